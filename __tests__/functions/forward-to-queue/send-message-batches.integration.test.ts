import type { SQSClient } from "@aws-sdk/client-sqs";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import {
  MAX_MESSAGES_PER_BATCH,
  sendMessageBatches,
} from "../../../functions/forward-to-queue/send-message-batches";
import { createQueue, drainBodies } from "../support/queues";

const messages = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ id: `id-${index}`, body: JSON.stringify({ index }) }));

describe("sendMessageBatches on fauxqs", () => {
  let sqsLocal: SqsLocal;
  let client: SQSClient;
  const entriesPerCall: number[] = [];

  beforeAll(async () => {
    sqsLocal = await startSqsLocal();
    client = createSqsLocalClient(sqsLocal.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "SendMessageBatchCommand") {
          entriesPerCall.push(((args.input as { Entries?: unknown[] }).Entries ?? []).length);
        }
        return next(args);
      },
      { step: "initialize", name: "countBatchEntriesForTests" },
    );
  });
  afterAll(async () => {
    client?.destroy();
    await sqsLocal?.stop();
  });
  beforeEach(() => {
    entriesPerCall.length = 0;
  });

  it("sends in calls of at most 10 and confirms every message", async () => {
    const queueUrl = await createQueue(client);
    const outcome = await sendMessageBatches(client, queueUrl, messages(23));

    expect(outcome.failedIds).toEqual([]);
    expect(outcome.sentIds.sort()).toEqual(
      messages(23)
        .map((message) => message.id)
        .sort(),
    );
    expect(entriesPerCall.sort((a, b) => b - a)).toEqual([MAX_MESSAGES_PER_BATCH, MAX_MESSAGES_PER_BATCH, 3]);
    expect((await drainBodies(client, queueUrl)).sort()).toEqual(
      messages(23)
        .map((message) => message.body)
        .sort(),
    );
  });

  it("reports exactly the entries SQS lists as Failed", async () => {
    const queueUrl = await createQueue(client, { MaximumMessageSize: "1024" });
    const batch = [...messages(12)];
    batch[3] = { id: "too-big-1", body: "x".repeat(2000) };
    batch[11] = { id: "too-big-2", body: "y".repeat(2000) };

    const outcome = await sendMessageBatches(client, queueUrl, batch);

    expect(outcome.failedIds.sort()).toEqual(["too-big-1", "too-big-2"]);
    expect(outcome.failures.map((failure) => failure.reason)).toEqual([
      expect.stringContaining("InvalidParameterValue"),
      expect.stringContaining("InvalidParameterValue"),
    ]);
    expect(outcome.sentIds).toHaveLength(10);
    expect(await drainBodies(client, queueUrl)).toHaveLength(10);
  });

  it("reports every message of a call that throws", async () => {
    const queueUrl = await createQueue(client);
    const missingQueueUrl = `${queueUrl}-does-not-exist`;

    const outcome = await sendMessageBatches(client, missingQueueUrl, messages(13));

    expect(outcome.sentIds).toEqual([]);
    expect(outcome.failedIds.sort()).toEqual(
      messages(13)
        .map((message) => message.id)
        .sort(),
    );
    expect(outcome.failures).toHaveLength(2);
    expect(outcome.failures[0]?.cause).toBeInstanceOf(Error);
  });

  it("makes no call for an empty batch", async () => {
    const outcome = await sendMessageBatches(client, "http://127.0.0.1:1/000000000000/unused", []);
    expect(outcome).toEqual({ sentIds: [], failedIds: [], failures: [] });
    expect(entriesPerCall).toEqual([]);
  });
});
