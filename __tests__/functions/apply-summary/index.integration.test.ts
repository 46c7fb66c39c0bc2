import { randomUUID } from "node:crypto";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import { deltasMessageBodies, toQueueMessageBody } from "../../../functions/shared/queue-message";
import { handlerOnDynamoDbLocal } from "../support/handler-on-dynamodb-local";
import { insertRecord, modifyRecord } from "../support/stream-records";
import { readMarks, readSummary, seedUnwritableSummary } from "../support/summary-tables";

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
/** The messages forward-to-queue sends for one stream batch: its accounts packed into deltas messages. */
const deltasMessages = (...records: DynamoDBRecord[]) =>
  deltasMessageBodies(records.map(summaryDeltaOf)).map((sent) => message(sent.body));

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

  it("merges the deltas messages of several stream batches into one write per account", async () => {
    const first = [1, 2, 3].map((index) =>
      insertRecord(`m-e${index}`, order("m-1", `v-${index}`, "1.1", "1")),
    );
    const second = [4, 5].map((index) => insertRecord(`m-e${index}`, order("m-1", `v-${index}`, "0.9", "2")));
    const other = insertRecord("m-e6", order("m-2", "v-1", "3", "1"));

    const response = await local.handler(
      sqsEvent(...deltasMessages(...first, other), ...deltasMessages(...second)),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "m-1")).toEqual({
      account_total: "6.9",
      order_count: "5",
    });
    expect(await readSummary(local.raw, local.tables, "m-2")).toEqual({
      account_total: "3",
      order_count: "1",
    });
    expect([...(await readMarks(local.raw, local.tables, "m-1")).buckets.values()].flat().sort()).toEqual([
      "m-e1",
      "m-e2",
      "m-e3",
      "m-e4",
      "m-e5",
    ]);
  });

  it("applies records regrouped into other messages (a forwarder retry, a bisected stream batch) once", async () => {
    const records = [1, 2, 3, 4].map((index) =>
      insertRecord(`r-e${index}`, order("r-1", `v-${index}`, "2", "1")),
    );
    expect(await local.handler(sqsEvent(...deltasMessages(records[0], records[1])))).toEqual({
      batchItemFailures: [],
    });

    const regrouped = await local.handler(
      sqsEvent(...deltasMessages(records[1], records[2]), ...deltasMessages(...records)),
    );

    expect(regrouped).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "r-1")).toEqual({
      account_total: "8",
      order_count: "4",
    });
  });

  it("reports an account message (the shape sent before deltas messages) whose records are malformed", async () => {
    const malformed = message(
      JSON.stringify({
        accountId: "x-1",
        records: [{ eventId: "x-e1", createdAt: 1, amount: 1.5, orderCount: 1 }],
      }),
    );
    const good = deltasMessages(insertRecord("x-e2", order("x-1", "v-1", "1", "1")));

    const response = await local.handler(sqsEvent(malformed, ...good));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });
    expect(await readSummary(local.raw, local.tables, "x-1")).toEqual({
      account_total: "1",
      order_count: "1",
    });
  });

  it("fails every message carrying a record of an account whose write fails, and no other, applying the other accounts of those messages", async () => {
    await seedUnwritableSummary(local.raw, local.tables, "y-broken");
    const batchOne = deltasMessages(
      insertRecord("y-e1", order("y-broken", "v-1", "1", "1")),
      insertRecord("y-e2", order("y-ok", "v-1", "2", "1")),
    );
    const batchTwo = deltasMessages(insertRecord("y-e3", order("y-broken", "v-2", "1", "1")));

    const response = await local.handler(sqsEvent(...batchOne, ...batchTwo));

    const brokenMessages = [...batchOne, ...batchTwo].filter((sent) => sent.body.includes("y-broken"));
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      brokenMessages.map((sent) => sent.messageId).sort(),
    );
    expect(await readSummary(local.raw, local.tables, "y-ok")).toEqual({
      account_total: "2",
      order_count: "1",
    });

    // Redelivered once the account is writable: the accounts applied the first time are not added again.
    await local.raw.send(
      new DeleteItemCommand({
        TableName: local.tables.summaryTableName,
        Key: { accountid: { S: "y-broken" } },
      }),
    );
    const redelivered = await local.handler(sqsEvent(...brokenMessages.map((sent) => message(sent.body))));
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "y-ok")).toEqual({
      account_total: "2",
      order_count: "1",
    });
    expect(await readSummary(local.raw, local.tables, "y-broken")).toEqual({
      account_total: "2",
      order_count: "2",
    });
  });
});
