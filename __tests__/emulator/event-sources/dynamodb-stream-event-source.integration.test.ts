import { randomUUID } from "node:crypto";
import { CreateTableCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import {
  DynamoDbStreamEventSource,
  type DynamoDbStreamEventSourceConfig,
} from "../../../emulator/event-sources";
import type { InvocationResult } from "../../../emulator/lambda";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";

let dynamoDb: DynamoDbLocal;
let clients: DynamoDbLocalClients;
let sqsLocal: SqsLocal;
let sqs: SQSClient;
const sources: DynamoDbStreamEventSource[] = [];

beforeAll(async () => {
  [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  clients = createDynamoDbLocalClients(dynamoDb.endpoint);
  sqs = createSqsLocalClient(sqsLocal.endpoint);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

afterAll(async () => {
  clients?.destroy();
  sqs?.destroy();
  await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
});

/** A table with a NEW_AND_OLD_IMAGES stream; returns its stream ARN. */
async function createStreamTable(): Promise<{ tableName: string; streamArn: string }> {
  const tableName = `details-${randomUUID()}`;
  const { TableDescription } = await clients.dynamoDb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    }),
  );
  return { tableName, streamArn: TableDescription?.LatestStreamArn as string };
}

async function putItems(tableName: string, keys: string[]): Promise<void> {
  for (const key of keys) {
    await clients.dynamoDb.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: key }, n: { N: "1" } } }),
    );
  }
}

const keysOf = (records: DynamoDBRecord[]) => records.map((r) => r.dynamodb?.Keys?.pk?.S);
const sequenceOf = (record: DynamoDBRecord) => BigInt(record.dynamodb?.SequenceNumber ?? "-1");

/** A function double that records each batch and answers with `respond`. */
function recordingFunction(
  respond: (records: DynamoDBRecord[], call: number) => InvocationResult | Promise<InvocationResult>,
) {
  const batches: DynamoDBRecord[][] = [];
  const invoke = async (event: unknown) => {
    const records = (event as { Records: DynamoDBRecord[] }).Records;
    batches.push(records);
    return respond(records, batches.length);
  };
  return { batches, invoke };
}

const success = (payload: unknown = null): InvocationResult => ({
  ok: true,
  payload,
  requestId: randomUUID(),
  durationMs: 1,
});
const functionError = (): InvocationResult => ({
  ok: false,
  errorType: "Error",
  errorMessage: "boom",
  requestId: randomUUID(),
  durationMs: 1,
});

async function startSource(
  overrides: Partial<DynamoDbStreamEventSourceConfig> &
    Pick<DynamoDbStreamEventSourceConfig, "streamArn" | "functionInvoke">,
) {
  const source = new DynamoDbStreamEventSource({
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:project-summary",
    region: "us-east-1",
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: false,
    streamsClient: clients.streams,
    sqsClient: sqs,
    pollIntervalMs: 50,
    shardDiscoveryIntervalMs: 200,
    retryDelayMs: 10,
    log: () => {},
    ...overrides,
  });
  sources.push(source);
  await source.start();
  return source;
}

async function createFailureQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `on-failure-${randomUUID()}` }));
  return QueueUrl as string;
}

async function receiveAll(queueUrl: string): Promise<unknown[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return Messages.map((m) => JSON.parse(m.Body ?? "null"));
}

describe("DynamoDbStreamEventSource against DynamoDB Local", () => {
  it("delivers Lambda-shaped records in sequence order, in batches of at most batchSize", async () => {
    const { tableName, streamArn } = await createStreamTable();
    const keys = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    await putItems(tableName, keys);
    const fn = recordingFunction(() => success());
    const source = await startSource({ streamArn, functionInvoke: fn.invoke, region: "eu-west-1" });
    await source.idle();

    expect(fn.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    const all = fn.batches.flat();
    expect(keysOf(all)).toEqual(keys);
    for (let i = 1; i < all.length; i++) expect(sequenceOf(all[i]) > sequenceOf(all[i - 1])).toBe(true);
    expect(all[0]).toMatchObject({
      eventName: "INSERT",
      eventSource: "aws:dynamodb",
      awsRegion: "eu-west-1",
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: "k00" } },
        NewImage: { pk: { S: "k00" }, n: { N: "1" } },
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    });
    expect(typeof all[0].eventID).toBe("string");
    expect(typeof all[0].dynamodb?.ApproximateCreationDateTime).toBe("number");
    expect(all[0].dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(source.stats).toMatchObject({ shards: 1, batches: 3, recordsSucceeded: 25, retries: 0 });
  });

  it("starts after existing records with LATEST and waits for the batching window to fill a batch", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["before-1", "before-2"]);
    const fn = recordingFunction(() => success());
    const source = await startSource({
      streamArn,
      functionInvoke: fn.invoke,
      startingPosition: "LATEST",
      maximumBatchingWindowInSeconds: 1,
    });
    await putItems(tableName, ["after-1", "after-2", "after-3"]);
    await source.idle();
    expect(fn.batches.map(keysOf)).toEqual([["after-1", "after-2", "after-3"]]);
  });

  it("with bisect isolates a poison record, delivers the rest and reports only the poison record", async () => {
    const { tableName, streamArn } = await createStreamTable();
    const keys = ["a", "b", "c", "d", "e", "poison", "g", "h"];
    await putItems(tableName, keys);
    const processed: string[] = [];
    const fn = recordingFunction((records) => {
      const batchKeys = keysOf(records) as string[];
      if (batchKeys.includes("poison")) return functionError();
      processed.push(...batchKeys);
      return success();
    });
    const onFailure = await createFailureQueue();
    const source = await startSource({
      streamArn,
      functionInvoke: fn.invoke,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
      onFailure: { queueUrl: onFailure },
    });
    await source.idle();

    expect(processed).toEqual(keys.filter((k) => k !== "poison"));
    // 8 -> [4 ok] + [4 fail] -> [2 fail] + [2 ok] -> [1 poison fail] + [1 ok]
    expect(fn.batches.map((b) => b.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    expect(source.stats).toMatchObject({ retries: 0, recordsDiscarded: 1, failuresSent: 1 });
    const [message] = (await receiveAll(onFailure)) as Array<{ DDBStreamBatchInfo: Record<string, unknown> }>;
    const poison = fn.batches.flat().find((r) => r.dynamodb?.Keys?.pk?.S === "poison");
    expect(message.DDBStreamBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: poison?.dynamodb?.SequenceNumber,
      endSequenceNumber: poison?.dynamodb?.SequenceNumber,
    });
  });

  it("retries a failing batch maximumRetryAttempts times, sends AWS-shaped failure metadata, then moves on", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["x1", "x2", "x3"]);
    const results: InvocationResult[] = [];
    const fn = recordingFunction((records) => {
      const result = keysOf(records).includes("later") ? success() : functionError();
      results.push(result);
      return result;
    });
    const onFailure = await createFailureQueue();
    const source = await startSource({
      streamArn,
      functionInvoke: fn.invoke,
      maximumRetryAttempts: 2,
      onFailure: { queueUrl: onFailure },
    });
    await source.idle();
    await putItems(tableName, ["later"]);
    await source.idle();

    expect(fn.batches.map(keysOf)).toEqual([
      ["x1", "x2", "x3"],
      ["x1", "x2", "x3"],
      ["x1", "x2", "x3"],
      ["later"],
    ]);
    const messages = (await receiveAll(onFailure)) as unknown[];
    expect(messages).toHaveLength(1);
    const [first, , last] = fn.batches[0];
    const shardId = expect.stringMatching(/^shardId-/);
    expect(messages[0]).toEqual({
      requestContext: {
        requestId: results[2].requestId,
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:project-summary",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.dynamodb?.SequenceNumber,
        endSequenceNumber: last.dynamodb?.SequenceNumber,
        approximateArrivalOfFirstRecord: new Date(
          (first.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000,
        ).toISOString(),
        approximateArrivalOfLastRecord: new Date(
          (last.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000,
        ).toISOString(),
        batchSize: 3,
        streamArn,
      },
    });
    expect(source.stats).toMatchObject({ retries: 2, recordsDiscarded: 3, failuresSent: 1 });
  });

  it("with ReportBatchItemFailures checkpoints at the lowest failed sequence number and retries from there", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["r1", "r2", "r3", "r4", "r5"]);
    const fn = recordingFunction((records, call) => {
      if (call > 1) return success({ batchItemFailures: [] });
      // Report r4 and r2 failed (unordered): Lambda must resume at r2.
      const failed = [records[3], records[1]].map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber }));
      return success({ batchItemFailures: failed });
    });
    const source = await startSource({ streamArn, functionInvoke: fn.invoke, reportBatchItemFailures: true });
    await source.idle();
    expect(fn.batches.map(keysOf)).toEqual([
      ["r1", "r2", "r3", "r4", "r5"],
      ["r2", "r3", "r4", "r5"],
    ]);
    expect(source.stats).toMatchObject({ recordsSucceeded: 5, retries: 1 });
  });

  it("gives each record its creation second as AWS does (the first read, not the minute) and repeats it on redelivery", async () => {
    const { tableName, streamArn } = await createStreamTable();
    const before = Math.floor(Date.now() / 1000);
    await putItems(tableName, ["c1", "c2", "c3"]);
    const fn = recordingFunction((_, call) => (call < 3 ? functionError() : success()));
    const source = await startSource({ streamArn, functionInvoke: fn.invoke });
    await source.idle();
    const after = Math.floor(Date.now() / 1000);

    expect(fn.batches).toHaveLength(3);
    const secondsPerDelivery = fn.batches.map((batch) =>
      batch.map((r) => r.dynamodb?.ApproximateCreationDateTime),
    );
    expect(secondsPerDelivery[1]).toEqual(secondsPerDelivery[0]);
    expect(secondsPerDelivery[2]).toEqual(secondsPerDelivery[0]);
    for (const second of secondsPerDelivery[0]) {
      expect(second).toBeGreaterThanOrEqual(before);
      expect(second).toBeLessThanOrEqual(after);
    }
  });

  it("treats an empty itemIdentifier as a whole-batch failure", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["e1", "e2", "e3"]);
    const fn = recordingFunction((_records, call) =>
      success(call === 1 ? { batchItemFailures: [{ itemIdentifier: "" }] } : null),
    );
    const source = await startSource({ streamArn, functionInvoke: fn.invoke, reportBatchItemFailures: true });
    await source.idle();
    expect(fn.batches.map(keysOf)).toEqual([
      ["e1", "e2", "e3"],
      ["e1", "e2", "e3"],
    ]);
  });

  it("with bisect and a partial failure retries only the remainder, without spending retry quota", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["p1", "p2", "p3", "p4"]);
    const fn = recordingFunction((records, call) => {
      if (call > 1) return success();
      return success({ batchItemFailures: [{ itemIdentifier: records[2].dynamodb?.SequenceNumber }] });
    });
    const source = await startSource({
      streamArn,
      functionInvoke: fn.invoke,
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
    });
    await source.idle();
    expect(fn.batches.map(keysOf)).toEqual([
      ["p1", "p2", "p3", "p4"],
      ["p3", "p4"],
    ]);
    expect(source.stats).toMatchObject({ recordsDiscarded: 0, recordsSucceeded: 4 });
  });

  it("skips records that match no filter pattern", async () => {
    const { tableName, streamArn } = await createStreamTable();
    await putItems(tableName, ["keep-1", "drop-1", "keep-2"]);
    const fn = recordingFunction(() => success());
    const source = await startSource({
      streamArn,
      functionInvoke: fn.invoke,
      filterCriteria: [JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: "keep" }] } } } })],
    });
    await source.idle();
    expect(fn.batches.map(keysOf)).toEqual([["keep-1", "keep-2"]]);
    expect(source.stats.recordsFilteredOut).toBe(1);
  });
});
