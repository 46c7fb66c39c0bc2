import { createHash, randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { SqsEventSource, type SqsEventSourceConfig } from "../../../emulator/event-sources";
import type { InvocationResult } from "../../../emulator/lambda";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";

let sqsLocal: SqsLocal;
let sqs: SQSClient;
const sources: SqsEventSource[] = [];

beforeAll(async () => {
  sqsLocal = await startSqsLocal();
  sqs = createSqsLocalClient(sqsLocal.endpoint);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

afterAll(async () => {
  sqs?.destroy();
  await sqsLocal?.stop();
});

async function createQueue(attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `q-${randomUUID()}`,
      Attributes: { VisibilityTimeout: "1", ...attributes },
    }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

async function sendBodies(queueUrl: string, bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
      }),
    );
  }
}

const success = (payload: unknown = null): InvocationResult => ({
  ok: true,
  payload,
  requestId: randomUUID(),
  durationMs: 1,
});

function recordingFunction(respond: (records: SQSRecord[]) => Promise<InvocationResult> | InvocationResult) {
  const batches: SQSRecord[][] = [];
  const invoke = async (event: unknown) => {
    const records = (event as { Records: SQSRecord[] }).Records;
    batches.push(records);
    return respond(records);
  };
  return { batches, invoke };
}

async function startSource(
  overrides: Partial<SqsEventSourceConfig> &
    Pick<SqsEventSourceConfig, "queueUrl" | "queueArn" | "functionInvoke">,
) {
  const source = new SqsEventSource({
    region: "us-east-1",
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    maximumConcurrency: 2,
    reportBatchItemFailures: false,
    sqsClient: sqs,
    longPollSeconds: 1,
    log: () => {},
    ...overrides,
  });
  sources.push(source);
  await source.start();
  return source;
}

describe("SqsEventSource against fauxqs", () => {
  it("gathers a batch within the window and delivers AWS-shaped records", async () => {
    const queue = await createQueue({ VisibilityTimeout: "5" });
    const fn = recordingFunction(() => success());
    const source = await startSource({
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionInvoke: fn.invoke,
      batchSize: 5,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 1,
    });
    for (const body of ["m1", "m2", "m3"]) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: body,
          MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
        }),
      );
    }
    await source.drained();
    expect(fn.batches.map((b) => b.map((r) => r.body))).toEqual([["m1", "m2", "m3"]]);
    const [record] = fn.batches[0];
    expect(record).toMatchObject({
      eventSource: "aws:sqs",
      eventSourceARN: queue.arn,
      awsRegion: "us-east-1",
      md5OfBody: createHash("md5").update("m1").digest("hex"),
      messageAttributes: {
        kind: { stringValue: "order", dataType: "String", stringListValues: [], binaryListValues: [] },
      },
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d+$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
      },
    });
    expect(typeof record.messageId).toBe("string");
    expect(typeof record.receiptHandle).toBe("string");
    expect(source.stats).toMatchObject({ messagesDeleted: 3, messagesFailed: 0 });
  });

  it("deletes reported successes, redelivers the failure and lets the redrive policy move it to the DLQ", async () => {
    const dlq = await createQueue();
    const queue = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const fn = recordingFunction((records) =>
      success({
        batchItemFailures: records
          .filter((r) => r.body === "bad")
          .map((r) => ({ itemIdentifier: r.messageId })),
      }),
    );
    const source = await startSource({
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionInvoke: fn.invoke,
      reportBatchItemFailures: true,
      maximumConcurrency: 1,
    });
    await sendBodies(queue.url, ["good-1", "bad", "good-2"]);
    await source.drained(15_000);

    const deliveries = fn.batches.flat();
    const badDeliveries = deliveries.filter((r) => r.body === "bad");
    expect(badDeliveries.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2"]);
    expect(
      deliveries
        .filter((r) => r.body.startsWith("good"))
        .map((r) => r.body)
        .sort(),
    ).toEqual(["good-1", "good-2"]);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((m) => m.Body)).toEqual(["bad"]);
    expect(source.stats).toMatchObject({ messagesDeleted: 2, messagesFailed: 2 });
  });

  it("treats an itemIdentifier that is not in the batch as a whole-batch failure", async () => {
    const queue = await createQueue({ VisibilityTimeout: "2" });
    let calls = 0;
    const fn = recordingFunction(() =>
      success(++calls === 1 ? { batchItemFailures: [{ itemIdentifier: "not-a-message-id" }] } : null),
    );
    const source = await startSource({
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionInvoke: fn.invoke,
      reportBatchItemFailures: true,
      maximumConcurrency: 1,
      maximumBatchingWindowInSeconds: 1,
    });
    await sendBodies(queue.url, ["w1", "w2"]);
    await source.drained(10_000);
    const bodies = fn.batches.map((b) => b.map((r) => r.body).sort());
    expect(bodies).toEqual([
      ["w1", "w2"],
      ["w1", "w2"],
    ]);
    expect(fn.batches[1].every((r) => r.attributes.ApproximateReceiveCount === "2")).toBe(true);
  });

  it("never has more than maximumConcurrency invocations in flight", async () => {
    const queue = await createQueue({ VisibilityTimeout: "10" });
    let inFlight = 0;
    let highest = 0;
    const fn = recordingFunction(async () => {
      inFlight++;
      highest = Math.max(highest, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight--;
      return success();
    });
    const source = await startSource({
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionInvoke: fn.invoke,
      batchSize: 1,
      maximumConcurrency: 2,
    });
    await sendBodies(
      queue.url,
      Array.from({ length: 10 }, (_, i) => `c${i}`),
    );
    await source.drained();
    expect(fn.batches.flat()).toHaveLength(10);
    expect(highest).toBe(2);
    expect(source.stats.maxInFlight).toBe(2);
  });

  it("stops cleanly: an invocation in flight completes and its message is deleted", async () => {
    const queue = await createQueue({ VisibilityTimeout: "10" });
    let release: () => void = () => {};
    const entered = new Promise<void>((resolveEntered) => {
      const fnInvoke = async () => {
        resolveEntered();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return success();
      };
      void startSource({
        queueUrl: queue.url,
        queueArn: queue.arn,
        functionInvoke: fnInvoke,
        maximumConcurrency: 1,
      });
    });
    await sendBodies(queue.url, ["slow"]);
    await entered;
    const source = sources[sources.length - 1];
    const stopped = source.stop();
    release();
    await stopped;
    expect(source.stats).toMatchObject({ messagesDeleted: 1, inFlight: 0 });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("0");
  });
});
