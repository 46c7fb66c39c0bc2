import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import { toQueueMessageBody } from "../../../functions/shared/queue-message";
import { lambdaLikeEnvironment, setEnvironment } from "../support/environment";
import { createQueue, drainBodies } from "../support/queues";
import { insertRecord, modifyRecord, removeRecord, sequenceNumberOf } from "../support/stream-records";

type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const order = (index: number) => ({
  accountid: `acct-${index % 4}`,
  vendorid: `v-${index}`,
  unitprice: "1.5",
  quantity: "2",
});

describe("forward-to-queue handler on fauxqs", () => {
  let sqsLocal: SqsLocal;
  let client: SQSClient;
  let queueUrl: string;
  let restoreEnvironment: () => void;
  let handler: Handler;

  beforeAll(async () => {
    sqsLocal = await startSqsLocal();
    client = createSqsLocalClient(sqsLocal.endpoint);
    queueUrl = await createQueue(client, { MaximumMessageSize: "2048" });
    restoreEnvironment = setEnvironment(
      lambdaLikeEnvironment({ AWS_ENDPOINT_URL_SQS: sqsLocal.endpoint, SUMMARY_QUEUE_URL: queueUrl }),
    );
    ({ handler } = await import("../../../functions/forward-to-queue"));
  });
  afterAll(async () => {
    restoreEnvironment?.();
    client?.destroy();
    await sqsLocal?.stop();
  });

  it("packs the batch into one message, each account once, carrying each record's id, creation second and delta", async () => {
    const records = Array.from({ length: 12 }, (_, index) =>
      index % 5 === 4
        ? removeRecord(`fw-${index}`, order(index))
        : index % 5 === 3
          ? modifyRecord(`fw-${index}`, order(index), { ...order(index), quantity: "3" })
          : insertRecord(`fw-${index}`, order(index)),
    );

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    expect(received).toHaveLength(1);
    const accounts = received[0].accounts as { accountId: string; records: { eventId: string }[] }[];
    expect(accounts.map((entry) => entry.accountId).sort()).toEqual(["acct-0", "acct-1", "acct-2", "acct-3"]);
    const forwardedRecords = accounts.flatMap((entry) => entry.records);
    expect(forwardedRecords.sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual(
      records
        .map((record) => {
          const delta = summaryDeltaOf(record);
          return {
            eventId: delta.eventId,
            createdAt: delta.createdAt,
            amount: delta.amount.toFixed(),
            orderCount: delta.orderCount,
          };
        })
        .sort((a, b) => a.eventId.localeCompare(b.eventId)),
    );
  });

  it("sends a record it cannot turn into a delta alone, as its change record, so it fails on the apply side", async () => {
    const fine = insertRecord("fw-fine", order(1));
    const negative = insertRecord("fw-negative", { ...order(1), quantity: "-2" });

    expect(await handler({ Records: [fine, negative] })).toEqual({ batchItemFailures: [] });

    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    expect(received).toHaveLength(2);
    expect(received).toContainEqual(JSON.parse(toQueueMessageBody(negative)));
    expect(
      received
        .find((body) => body.accounts)
        ?.accounts.flatMap((entry: { records: { eventId: string }[] }) => entry.records)
        .map((record: { eventId: string }) => record.eventId),
    ).toEqual(["fw-fine"]);
  });

  it("forwards accounts whose ids SQS could not carry raw (astral, U+FFFF, control characters)", async () => {
    const texts = ["Z\u00fcrich \u2615 \u{1D11E}", "\uFFFE\uFFFF", "\u0000\u0008\u001f", "\uD800"];
    const records = texts.map((text, index) =>
      insertRecord(`fw-text-${index}`, { ...order(index), accountid: text }),
    );

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    const accountIds = received.flatMap((body) =>
      body.accounts.map((entry: { accountId: string }) => entry.accountId),
    );
    expect(accountIds.sort()).toEqual([...texts].sort());
  });

  it("reports exactly the records SQS refused, by SequenceNumber", async () => {
    const fine = insertRecord("fw-ok", order(1));
    // Unconvertible (a negative quantity), so each goes alone as its change record: over the queue's 2 KiB.
    const huge = insertRecord("fw-huge", { ...order(2), accountid: "a".repeat(1500), quantity: "-1" });
    const hugeToo = insertRecord("fw-huge-2", { ...order(3), accountid: "a".repeat(1500), quantity: "-1" });

    const response = await handler({ Records: [huge, fine, hugeToo] });

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumberOf(huge) },
        { itemIdentifier: sequenceNumberOf(hugeToo) },
      ],
    });
    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    expect(
      received.flatMap((body) =>
        body.accounts.flatMap((entry: { records: { eventId: string }[] }) =>
          entry.records.map((r) => r.eventId),
        ),
      ),
    ).toEqual(["fw-ok"]);
  });

  it("reports every record when the send call itself fails (queue does not exist)", async () => {
    const records = Array.from({ length: 12 }, (_, index) =>
      insertRecord(`fw-missing-${index}`, order(index)),
    );
    const restore = setEnvironment({ SUMMARY_QUEUE_URL: `${queueUrl}-missing` });
    let isolatedHandler: Handler | undefined;
    try {
      jest.isolateModules(() => {
        isolatedHandler = require("../../../functions/forward-to-queue").handler;
      });
    } finally {
      restore();
    }

    const response = await (isolatedHandler as Handler)({ Records: records });

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      records.map(sequenceNumberOf).sort(),
    );
  });

  it("refuses to load without SUMMARY_QUEUE_URL and names it", () => {
    const restore = setEnvironment({ SUMMARY_QUEUE_URL: undefined });
    try {
      jest.isolateModules(() => {
        expect(() => require("../../../functions/forward-to-queue")).toThrow(/SUMMARY_QUEUE_URL/);
      });
    } finally {
      restore();
    }
  });
});
