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
import { Decimal } from "../../../functions/domain/decimal";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import type { SummaryDelta } from "../../../functions/domain/types";
import { deltasFromQueueMessage, deltasMessageBodies } from "../../../functions/shared/queue-message";
import type { SummaryTables } from "../../../functions/summary/types";
import { lambdaLikeEnvironment, setEnvironment } from "../support/environment";
import { createQueue, drainBodies } from "../support/queues";
import { insertRecord } from "../support/stream-records";
import { createSummaryTables, readSummary, seedUnwritableSummary } from "../support/summary-tables";

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

const accountsOf = (body: string) => [
  ...new Set(deltasFromQueueMessage(body).map((delta) => delta.accountId)),
];

describe("apply-summary when its write budget cannot pay for a whole batch (DynamoDB Local, fauxqs)", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let sqsLocal: SqsLocal;
  let raw: DynamoDBClient;
  let sqs: SQSClient;
  let tables: SummaryTables;
  let queueUrl: string;
  let handler: Handler;
  let maxResentBytes: number;
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
    ({ handler, MAX_RESENT_BYTES: maxResentBytes } = await import("../../../functions/apply-summary"));
  }, 60_000);
  afterAll(async () => {
    restoreEnvironment?.();
    raw?.destroy();
    sqs?.destroy();
    await Promise.all([dynamoDbLocal?.stop(), sqsLocal?.stop()]);
  });

  /** One order per account, as the forwarder sends them: packed into one deltas message. */
  const ordersOf = (accounts: string[]) =>
    deltasMessageBodies(
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
  /** Delayed until the budget has refilled: wait for it, then take every copy off the queue. */
  const resentBodies = async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return drainBodies(sqs, queueUrl);
  };

  it("sends the records it could not pay for to the queue again and reports the message done, then applies them once", async () => {
    const accounts = Array.from({ length: 12 }, (_, k) => `budget-${k}`);
    const bodies = ordersOf(accounts);
    expect(bodies).toHaveLength(1);
    const poison = message("not json", 5);

    const response = await handler({ Records: [poison, message(bodies[0], 1)] }, withTimeLeft(2000));

    // The unreadable message fails (its receives lead it to the DLQ); nothing else is reported failed.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    const written = await writtenOf(accounts);
    const resent = await resentBodies();
    const deferred = resent.flatMap(accountsOf).sort();
    expect(written.length).toBeGreaterThan(0);
    expect(deferred.length).toBeGreaterThan(0);
    // Every account exactly once: written now, or sent again (only its unpaid records) to be written later.
    expect([...written, ...deferred].sort()).toEqual([...accounts].sort());

    // The copies, delivered with the original again, are applied once each.
    const again = await handler(
      { Records: [...resent, bodies[0]].map((body) => message(body)) },
      withTimeLeft(30_000),
    );
    expect(again).toEqual({ batchItemFailures: [] });
    for (const accountid of accounts) {
      expect(await readSummary(raw, tables, accountid)).toEqual({ account_total: "2.5", order_count: "1" });
    }
    expect(await resentBodies()).toEqual([]);
  }, 90_000);

  it("fails a message with a write that failed otherwise, sending nothing again: it comes back after the visibility timeout", async () => {
    await seedUnwritableSummary(raw, tables, "broken-0");
    const accounts = ["broken-0", ...Array.from({ length: 11 }, (_, k) => `mixed-${k}`)];
    const sent = message(ordersOf(accounts)[0], 1);

    const response = await handler({ Records: [sent] }, withTimeLeft(2000));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sent.messageId }] });
    expect(await resentBodies()).toEqual([]);
  }, 90_000);

  it("sends again at most MAX_RESENT_BYTES of unpaid messages, and always those on their last two receives", async () => {
    // 30 accounts of 600 records each, one message each: about 1.4 MiB of bodies that 2 s cannot pay for.
    const deltaOf = (accountId: string, k: number): SummaryDelta => ({
      eventId: `${accountId}-${k}`.padEnd(32, "0"),
      createdAt: 1_760_000_000 + (k % 7),
      accountId,
      amount: Decimal("1.25"),
      orderCount: 1,
    });
    const messages = Array.from({ length: 30 }, (_, a) => {
      const bodies = deltasMessageBodies(Array.from({ length: 600 }, (_, k) => deltaOf(`capped-${a}`, k)));
      expect(bodies).toHaveLength(1);
      // Every sixth on its fourth of five receives: the next failure would be its last before the DLQ.
      return message(bodies[0].body, a % 6 === 0 ? 4 : 1);
    });
    const totalBytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.body), 0);
    expect(totalBytes).toBeGreaterThan(maxResentBytes);

    const response = await handler({ Records: messages }, withTimeLeft(2000));

    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    expect(failed.size).toBeGreaterThan(0);
    const nearTheDlq = messages.filter((m) => m.attributes.ApproximateReceiveCount === "4");
    expect(nearTheDlq.filter((m) => failed.has(m.messageId))).toEqual([]);
    const settledBytes = messages
      .filter((m) => !failed.has(m.messageId))
      .reduce((sum, m) => sum + Buffer.byteLength(m.body), 0);
    expect(settledBytes).toBeLessThanOrEqual(maxResentBytes);
    // The copies hold the settled messages' unpaid records, every one of them, and nothing of the failed.
    const resentAccounts = new Set((await resentBodies()).flatMap(accountsOf));
    const settledAccounts = messages
      .filter((m) => !failed.has(m.messageId))
      .flatMap((m) => accountsOf(m.body));
    const failedAccounts = messages.filter((m) => failed.has(m.messageId)).flatMap((m) => accountsOf(m.body));
    expect(failedAccounts.filter((accountId) => resentAccounts.has(accountId))).toEqual([]);
    expect(settledAccounts.filter((accountId) => !resentAccounts.has(accountId)).length).toBeLessThanOrEqual(
      1,
    );
  }, 90_000);
});
