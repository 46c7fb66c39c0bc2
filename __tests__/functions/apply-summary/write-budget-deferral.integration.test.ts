import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import { accountMessageBodies } from "../../../functions/shared/queue-message";
import type { SummaryTables } from "../../../functions/summary/types";
import { lambdaLikeEnvironment, setEnvironment } from "../support/environment";
import { createQueue, drainBodies } from "../support/queues";
import { insertRecord } from "../support/stream-records";
import { createSummaryTables, readSummary } from "../support/summary-tables";

type Handler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

const message = (body: string, receiveCount = 1): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
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

/** A Lambda context whose invocation has `milliseconds` left. */
const withTimeLeft = (milliseconds: number): Context => {
  const end = Date.now() + milliseconds;
  return { getRemainingTimeInMillis: () => end - Date.now() } as Context;
};

const accountOf = (body: string) => (JSON.parse(body) as { accountId: string }).accountId;

describe("apply-summary when its write budget cannot pay for a whole batch (DynamoDB Local, fauxqs)", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let sqsLocal: SqsLocal;
  let raw: DynamoDBClient;
  let sqs: SQSClient;
  let tables: SummaryTables;
  let queueUrl: string;
  let handler: Handler;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    [dynamoDbLocal, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
    raw = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
    sqs = createSqsLocalClient(sqsLocal.endpoint);
    tables = await createSummaryTables(raw);
    queueUrl = await createQueue(sqs);
    restoreEnvironment = setEnvironment(
      lambdaLikeEnvironment({
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint,
        AWS_ENDPOINT_URL_SQS: sqsLocal.endpoint,
        SUMMARY_TABLE_NAME: tables.summaryTableName,
        LEDGER_TABLE_NAME: tables.ledgerTableName,
        // 2 write units a second: a 2 s invocation pays for about 5 one-unit writes before its deadline.
        SUMMARY_WRITE_UNITS_PER_SECOND: "2",
        SUMMARY_QUEUE_URL: queueUrl,
        SUMMARY_QUEUE_MAX_RECEIVE_COUNT: "5",
      }),
    );
    ({ handler } = await import("../../../functions/apply-summary"));
  }, 60_000);
  afterAll(async () => {
    restoreEnvironment?.();
    raw?.destroy();
    sqs?.destroy();
    await Promise.all([dynamoDbLocal?.stop(), sqsLocal?.stop()]);
  });

  const ordersOf = (accounts: string[]) =>
    accountMessageBodies(
      accounts.map((accountid, k) =>
        summaryDeltaOf(
          insertRecord(`${accountid}-e${k}`, { accountid, vendorid: "v", unitprice: "1.25", quantity: "2" }),
        ),
      ),
    ).map((sent) => sent.body);
  const writtenOf = async (accounts: string[]) => {
    const written: string[] = [];
    for (const accountid of accounts) {
      if ((await readSummary(raw, tables, accountid)) !== undefined) written.push(accountid);
    }
    return written;
  };

  it("fails what it could not pay for on an early receive: it comes back after the visibility timeout", async () => {
    const accounts = Array.from({ length: 12 }, (_, k) => `early-${k}`);
    const messages = ordersOf(accounts).map((body) => message(body, 1));
    const response = await handler({ Records: messages }, withTimeLeft(2000));
    const written = await writtenOf(accounts);
    const failedAccounts = response.batchItemFailures
      .map((failure) => messages.find((m) => m.messageId === failure.itemIdentifier)?.body ?? "")
      .map(accountOf);
    expect(written.length).toBeGreaterThan(0);
    expect(failedAccounts.length).toBeGreaterThan(0);
    expect([...written, ...failedAccounts].sort()).toEqual([...accounts].sort());
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await drainBodies(sqs, queueUrl)).toEqual([]);
  }, 90_000);

  it("sends what it could not pay for on one of the last two receives to the queue again instead of failing it, and fails only the unreadable", async () => {
    const accounts = Array.from({ length: 12 }, (_, k) => `budget-${k}`);
    const bodies = ordersOf(accounts);
    const poison = message("not json", 5);
    // 4 of 5 receives: one failure more and the next receive would be the last before the DLQ.
    const response = await handler(
      { Records: [poison, ...bodies.map((body) => message(body, 4))] },
      withTimeLeft(2000),
    );

    // The unreadable message fails (its receives lead it to the DLQ); nothing else is reported failed.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    const written = await writtenOf(accounts);
    // Delayed until the budget has refilled: wait for it, then take every copy off the queue.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const resent = await drainBodies(sqs, queueUrl);
    const deferred = resent.map(accountOf).sort();
    expect(written.length).toBeGreaterThan(0);
    expect(deferred.length).toBeGreaterThan(0);
    // Every account exactly once: written now, or sent again unchanged to be written later.
    expect([...written, ...deferred].sort()).toEqual([...accounts].sort());
    expect(resent.every((body) => bodies.includes(body))).toBe(true);

    // The copies, delivered with one already applied message again, are applied once each.
    const again = await handler(
      { Records: [...resent, bodies[accounts.indexOf(written[0])]].map((body) => message(body)) },
      withTimeLeft(30_000),
    );
    expect(again).toEqual({ batchItemFailures: [] });
    for (const accountid of accounts) {
      expect(await readSummary(raw, tables, accountid)).toEqual({ account_total: "2.5", order_count: "1" });
    }
  }, 90_000);
});
