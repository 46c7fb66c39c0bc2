import { randomUUID } from "node:crypto";
import type { DynamoDBRecord, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { toQueueMessageBody } from "../../../functions/shared/queue-message";
import { handlerOnDynamoDbLocal } from "../support/handler-on-dynamodb-local";
import { insertRecord, modifyRecord } from "../support/stream-records";
import { readSummary, seedUnwritableSummary } from "../support/summary-tables";

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

const order = (accountid: string, vendorid: string, unitprice: string, quantity: string) => ({
  accountid,
  vendorid,
  unitprice,
  quantity,
});

const message = (body: string): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: "1",
    SentTimestamp: "0",
    SenderId: "local",
    ApproximateFirstReceiveTimestamp: "0",
  },
  messageAttributes: {},
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:summary-updates",
  awsRegion: "us-east-1",
});
const forwarded = (record: DynamoDBRecord) => message(toQueueMessageBody(record));
const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe("apply-summary handler on DynamoDB Local", () => {
  const local = handlerOnDynamoDbLocal<Handler>(() => import("../../../functions/apply-summary"));

  it("applies forwarded stream records exactly", async () => {
    const latte = order("q-1", "v-1", "0.1", "3");
    const response = await local.handler(
      sqsEvent(
        forwarded(insertRecord("q-e1", latte)),
        forwarded(modifyRecord("q-e2", latte, { ...latte, unitprice: "0.2" })),
        forwarded(insertRecord("q-e3", order("q-2", "v-1", "19.99", "2"))),
      ),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "q-1")).toEqual({
      account_total: "0.6",
      order_count: "1",
    });
    expect(await readSummary(local.raw, local.tables, "q-2")).toEqual({
      account_total: "39.98",
      order_count: "1",
    });
  });

  it("counts a stream record forwarded twice (two messages, one eventID) once, in one batch or across batches", async () => {
    const record = insertRecord("t-e1", order("t-1", "v-1", "5", "1"));
    expect(await local.handler(sqsEvent(forwarded(record), forwarded(record)))).toEqual({
      batchItemFailures: [],
    });
    expect(await local.handler(sqsEvent(forwarded(record)))).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "t-1")).toEqual({
      account_total: "5",
      order_count: "1",
    });
  });

  it("reports unreadable and unprocessable messages by messageId so they end in the DLQ", async () => {
    const notJson = message("{not json");
    const negativeQuantity = forwarded(insertRecord("n-e2", order("n-1", "v-2", "1", "-1")));
    const good = forwarded(insertRecord("n-e1", order("n-1", "v-1", "1", "1")));

    const response = await local.handler(sqsEvent(notJson, good, negativeQuantity));

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: notJson.messageId },
        { itemIdentifier: negativeQuantity.messageId },
      ],
    });
    expect(await readSummary(local.raw, local.tables, "n-1")).toEqual({
      account_total: "1",
      order_count: "1",
    });
  });

  it("reports every message carrying a record of an account whose write fails", async () => {
    await seedUnwritableSummary(local.raw, local.tables, "w-broken");
    const broken = insertRecord("w-e1", order("w-broken", "v-1", "1", "1"));
    const brokenCopy1 = forwarded(broken);
    const brokenCopy2 = forwarded(broken);
    const fine = forwarded(insertRecord("w-e2", order("w-ok", "v-1", "2", "1")));

    const response = await local.handler(sqsEvent(brokenCopy1, fine, brokenCopy2));

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: brokenCopy1.messageId },
        { itemIdentifier: brokenCopy2.messageId },
      ],
    });
    expect(await readSummary(local.raw, local.tables, "w-ok")).toEqual({
      account_total: "2",
      order_count: "1",
    });
  });
});
