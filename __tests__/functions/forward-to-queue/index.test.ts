import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { toQueueMessageBody } from "../../../functions/shared/queue-message";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../local/sqs-local";
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
    queueUrl = await createQueue(client, { MaximumMessageSize: "1024" });
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

  it("forwards every record of a batch as the contract's message body", async () => {
    const records = Array.from({ length: 25 }, (_, index) =>
      index % 5 === 4
        ? removeRecord(`fw-${index}`, order(index))
        : index % 5 === 3
          ? modifyRecord(`fw-${index}`, order(index), { ...order(index), quantity: "3" })
          : insertRecord(`fw-${index}`, order(index)),
    );

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    expect(received.map((body) => body.eventID).sort()).toEqual(
      records.map((record) => record.eventID).sort(),
    );
    expect(received.sort((a, b) => a.eventID.localeCompare(b.eventID))).toEqual(
      records
        .map((record) => JSON.parse(toQueueMessageBody(record)))
        .sort((a, b) => a.eventID.localeCompare(b.eventID)),
    );
  });

  it("forwards records whose strings SQS could not carry raw (astral, U+FFFF, control characters)", async () => {
    const texts = ["Z\u00fcrich \u2615 \u{1D11E}", "\uFFFE\uFFFF", "\u0000\u0008\u001f", "\uD800"];
    const records = texts.map((text, index) =>
      insertRecord(`fw-text-${index}`, { ...order(index), vendorid: text }),
    );

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const received = (await drainBodies(client, queueUrl)).map((body) => JSON.parse(body));
    expect(received.map((body) => body.dynamodb.NewImage.vendorid.S).sort()).toEqual([...texts].sort());
  });

  it("reports exactly the records SQS refused, by SequenceNumber", async () => {
    const fine = insertRecord("fw-ok", order(1));
    const huge = insertRecord("fw-huge", { ...order(2), vendorid: "v".repeat(1500) });

    const response = await handler({ Records: [fine, huge] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(huge) }] });
    expect((await drainBodies(client, queueUrl)).map((body) => JSON.parse(body).eventID)).toEqual(["fw-ok"]);
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
