import { randomUUID } from "node:crypto";
import { CreateTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { DynamoDbStreamEventSource, SqsEventSource } from "../../../emulator/event-sources";
import { FaultInjection, type FaultSettings } from "../../../emulator/faults";
import { type InvocationResult, LocalFunction } from "../../../emulator/lambda";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { HandlerBundles, requireFromProject } from "../handler-bundles";
import { ProjectionBundles } from "./projection-bundles";

let dynamoDbLocal: DynamoDbLocal;
let dynamodb: DynamoDbLocalClients;
let sqsLocal: SqsLocal;
let sqs: SQSClient;
const handlers = new HandlerBundles();
const projections = new ProjectionBundles();
let projectSummaryBundle: string;
let applySummaryBundle: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  [dynamoDbLocal, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  dynamodb = createDynamoDbLocalClients(dynamoDbLocal.endpoint);
  sqs = createSqsLocalClient(sqsLocal.endpoint);
  projectSummaryBundle = projections.bundle("project-summary");
  applySummaryBundle = projections.bundle("apply-summary");
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  handlers.remove();
  projections.remove();
  await Promise.all([dynamoDbLocal?.stop(), sqsLocal?.stop()]);
});

async function createTable(name: string, key: string, rangeKey?: string, stream = false) {
  const { TableDescription } = await dynamodb.dynamoDb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [key, ...(rangeKey ? [rangeKey] : [])].map((AttributeName) => ({
        AttributeName,
        AttributeType: "S",
      })),
      KeySchema: [
        { AttributeName: key, KeyType: "HASH" },
        ...(rangeKey ? [{ AttributeName: rangeKey, KeyType: "RANGE" as const }] : []),
      ],
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }
        : {}),
    }),
  );
  return TableDescription?.LatestStreamArn;
}

/** A ledger table as the stacks define it: range items per account and watermark. */
async function createLedgerTable(name: string) {
  await dynamodb.dynamoDb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "accountid", AttributeType: "S" },
        { AttributeName: "spilled_after", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "accountid", KeyType: "HASH" },
        { AttributeName: "spilled_after", KeyType: "RANGE" },
      ],
    }),
  );
}

/** A function (real worker thread) that writes one item {pk: event.key} to its table, with faults around it. */
async function writerWithFaults(settings: FaultSettings, timeoutSeconds = 3) {
  const table = `writes-${randomUUID()}`;
  await createTable(table, "pk");
  const fn = new LocalFunction({
    name: `writer-${randomUUID()}`,
    handler: "index.handler",
    timeoutSeconds,
    logs: "silent",
    bundleFile: handlers.write(
      "writer",
      `const { DynamoDBClient, PutItemCommand } = ${requireFromProject("@aws-sdk/client-dynamodb")};
       const client = new DynamoDBClient({});
       exports.handler = async (event) => {
         await client.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { pk: { S: event.key } } }));
         return { wrote: event.key };
       };`,
    ),
    environment: { TABLE: table, AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint },
  });
  const faults = new FaultInjection({ seed: 1, ...settings });
  const detach = faults.attach(fn);
  cleanups.push(() => fn.close(), detach);
  const written = async (key: string) =>
    (await dynamodb.dynamoDb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: key } } }))).Item !==
    undefined;
  return { fn, faults, detach, written };
}

function errorTypeOf(result: InvocationResult): string {
  return result.ok ? "ok" : result.errorType;
}

describe("crash before write", () => {
  it("fails the invocation without running the handler: nothing is written", async () => {
    const { fn, faults, written } = await writerWithFaults({ crashBeforeWrite: { every: 1 } });
    const result = await fn.invoke({ key: "never" });
    expect(result).toMatchObject({ ok: false, errorType: "Injected.CrashBeforeWrite" });
    expect(await written("never")).toBe(false);
    expect(fn.stats.invocations).toBe(0);
    expect(faults.counters().injected.crashBeforeWrite).toEqual({ [fn.name]: 1 });
  });

  it("every:3 fails exactly the 3rd and 6th invocations", async () => {
    const { fn, written } = await writerWithFaults({ crashBeforeWrite: { every: 3 } });
    const outcomes: string[] = [];
    for (let i = 1; i <= 7; i++) outcomes.push(errorTypeOf(await fn.invoke({ key: `k${i}` })));
    const crash = "Injected.CrashBeforeWrite";
    expect(outcomes).toEqual(["ok", "ok", crash, "ok", "ok", crash, "ok"]);
    expect(await written("k3")).toBe(false);
    expect(await written("k4")).toBe(true);
  });

  it("the same seed gives the same failures, another seed other ones", async () => {
    const { fn, detach } = await writerWithFaults({});
    detach();
    const pattern = async (seed: number) => {
      const remove = new FaultInjection({ crashBeforeWrite: { rate: 0.5 }, seed }).attach(fn);
      const outcomes: string[] = [];
      for (let i = 0; i < 16; i++) outcomes.push(errorTypeOf(await fn.invoke({ key: `s${seed}-${i}` })));
      remove();
      return outcomes.join(",");
    };
    const first = await pattern(42);
    expect(first).toContain("Injected.CrashBeforeWrite");
    expect(await pattern(42)).toBe(first);
    expect(await pattern(43)).not.toBe(first);
  });
});

describe("timeout", () => {
  it("runs the handler, then holds the invocation until the configured timeout: Sandbox.Timedout", async () => {
    const { fn, faults, written } = await writerWithFaults({ timeout: { every: 1 } }, 1);
    const startedAt = Date.now();
    const result = await fn.invoke({ key: "written-then-timed-out" });
    const elapsed = Date.now() - startedAt;
    expect(result).toMatchObject({
      ok: false,
      errorType: "Sandbox.Timedout",
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/),
    });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2000);
    expect(await written("written-then-timed-out")).toBe(true);
    expect(faults.counters().injected.timeout).toEqual({ [fn.name]: 1 });
  });

  it("a held timeout ends at once when the faults are detached (stopping the runtime)", async () => {
    const { fn, detach } = await writerWithFaults({ timeout: { every: 1 } }, 10);
    const startedAt = Date.now();
    const pending = fn.invoke({ key: "released" });
    setTimeout(detach, 300);
    expect(errorTypeOf(await pending)).toBe("Sandbox.Timedout");
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });
});

/** details (stream) -> real project-summary bundle -> summary + ledger, with faults around the function. */
async function directProjection(settings: FaultSettings) {
  const suffix = randomUUID();
  const tables = { details: `details-${suffix}`, summary: `summary-${suffix}`, ledger: `ledger-${suffix}` };
  const streamArn = (await createTable(tables.details, "accountid", "vendorid", true)) as string;
  await createTable(tables.summary, "accountid");
  await createLedgerTable(tables.ledger);
  const fn = new LocalFunction({
    name: `project-summary-${suffix}`,
    handler: "index.handler",
    timeoutSeconds: 10,
    logs: "silent",
    bundleFile: projectSummaryBundle,
    environment: {
      SUMMARY_TABLE_NAME: tables.summary,
      LEDGER_TABLE_NAME: tables.ledger,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint,
    },
  });
  const faults = new FaultInjection({ seed: 3, ...settings });
  const detach = faults.attach(fn);
  const source = new DynamoDbStreamEventSource({
    streamArn,
    functionArn: fn.arn,
    functionInvoke: (event) => fn.invoke(event),
    region: "us-east-1",
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: "LATEST",
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 3,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: true,
    streamsClient: dynamodb.streams,
    pollIntervalMs: 50,
    shardDiscoveryIntervalMs: 200,
    retryDelayMs: 50,
  });
  await source.start();
  cleanups.push(
    () => fn.close(),
    () => source.stop(),
    detach,
  );

  const order = (accountid: string, vendorid: string, unitprice: string, quantity: string) =>
    dynamodb.dynamoDb.send(
      new PutItemCommand({
        TableName: tables.details,
        Item: {
          accountid: { S: accountid },
          vendorid: { S: vendorid },
          unitprice: { N: unitprice },
          quantity: { N: quantity },
        },
      }),
    );
  const summaryOf = async (accountid: string) => {
    const { Item } = await dynamodb.dynamoDb.send(
      new GetItemCommand({ TableName: tables.summary, Key: { accountid: { S: accountid } } }),
    );
    return { total: Item?.account_total?.N, count: Item?.order_count?.N };
  };
  /** How many applied records the account's summary item marks. */
  const marksOf = async (accountid: string) => {
    const { Item = {} } = await dynamodb.dynamoDb.send(
      new GetItemCommand({ TableName: tables.summary, Key: { accountid: { S: accountid } } }),
    );
    return Object.entries(Item)
      .filter(([name]) => /^m\d+$/.test(name))
      .reduce((count, [, value]) => count + (value.SS?.length ?? 0), 0);
  };
  return { fn, faults, source, order, summaryOf, marksOf };
}

describe("crash after write", () => {
  it("runs the handler, whose write stays, and reports the invocation failed", async () => {
    const { fn, faults, written } = await writerWithFaults({ crashAfterWrite: { every: 1 } });
    const result = await fn.invoke({ key: "written-then-crashed" });
    expect(result).toMatchObject({ ok: false, errorType: "Injected.CrashAfterWrite" });
    expect(await written("written-then-crashed")).toBe(true);
    expect(fn.stats.invocations).toBe(1);
    expect(faults.counters().injected.crashAfterWrite).toEqual({ [fn.name]: 1 });
  });

  it("keeps the handler's writes, fails the invocation; the retry is harmless thanks to the marks", async () => {
    const { fn, faults, source, order, summaryOf, marksOf } = await directProjection({
      crashAfterWrite: { every: 2 },
    });
    await order("acct", "v1", "4.10", "3");
    await source.idle();
    await order("acct", "v2", "0.20", "1");
    await source.idle();

    expect(faults.counters().injected.crashAfterWrite).toEqual({ [fn.name]: 1 });
    expect(fn.stats.invocations).toBe(3); // v1, v2 (written, then reported failed), v2 again
    expect(source.stats.retries).toBe(1);
    expect(await summaryOf("acct")).toEqual({ total: "12.5", count: "2" });
    expect(await marksOf("acct")).toBe(2);
  });
});

describe("duplicate delivery", () => {
  it("invokes the handler twice with the same event; the summary counts it once", async () => {
    const { fn, faults, source, order, summaryOf } = await directProjection({
      duplicateDelivery: { every: 1 },
    });
    await order("dup", "v1", "1.10", "2");
    await source.idle();
    await order("dup", "v2", "3.05", "1");
    await source.idle();

    const batches = source.stats.batches;
    expect(batches).toBeGreaterThanOrEqual(2);
    expect(fn.stats.invocations).toBe(2 * batches);
    expect(faults.counters().injected.duplicateDelivery).toEqual({ [fn.name]: batches });
    expect(await summaryOf("dup")).toEqual({ total: "5.25", count: "2" });
  });
});

describe("redelivery after the visibility timeout", () => {
  it("leaves a processed message undeleted: it comes back after the visibility timeout and is applied once", async () => {
    const suffix = randomUUID();
    const tables = { summary: `summary-${suffix}`, ledger: `ledger-${suffix}` };
    await createTable(tables.summary, "accountid");
    await createLedgerTable(tables.ledger);
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `updates-${suffix}`, Attributes: { VisibilityTimeout: "1" } }),
    );
    const queueUrl = QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );
    const fn = new LocalFunction({
      name: `apply-summary-${suffix}`,
      handler: "index.handler",
      timeoutSeconds: 10,
      logs: "silent",
      bundleFile: applySummaryBundle,
      environment: {
        SUMMARY_TABLE_NAME: tables.summary,
        LEDGER_TABLE_NAME: tables.ledger,
        SUMMARY_WRITE_UNITS_PER_SECOND: "1000",
        SUMMARY_QUEUE_URL: queueUrl,
        SUMMARY_QUEUE_MAX_RECEIVE_COUNT: "5",
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint,
      },
    });
    const faults = new FaultInjection({ redeliver: { every: 2 }, seed: 5 });
    const deliveries: { body: string; receiveCount: string; at: number }[] = [];
    const source = new SqsEventSource({
      queueUrl,
      queueArn: Attributes?.QueueArn as string,
      functionInvoke: (event) => {
        for (const record of (event as { Records: SQSRecord[] }).Records) {
          deliveries.push({
            body: record.body,
            receiveCount: record.attributes.ApproximateReceiveCount,
            at: Date.now(),
          });
        }
        return fn.invoke(event);
      },
      region: "us-east-1",
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      maximumConcurrency: 2,
      reportBatchItemFailures: true,
      sqsClient: sqs,
      longPollSeconds: 1,
      deleteSucceeded: faults.deleteSucceeded(fn.name),
    });
    await source.start();
    cleanups.push(
      () => fn.close(),
      () => source.stop(),
    );

    const change = (eventID: string, unitprice: string) =>
      JSON.stringify({
        eventID,
        eventName: "INSERT",
        eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/details/stream/x",
        dynamodb: {
          ApproximateCreationDateTime: 1_760_000_000,
          Keys: { accountid: { S: "queued" }, vendorid: { S: eventID } },
          NewImage: {
            accountid: { S: "queued" },
            vendorid: { S: eventID },
            unitprice: { N: unitprice },
            quantity: { N: "1" },
          },
          SequenceNumber: "1",
        },
      });
    // Message 1 is deleted; message 2 (the 2nd succeeded message) is not, so it comes back.
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: change("first", "1.50") }));
    await source.idle();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: change("second", "2.25") }));
    await source.drained(15_000);

    const second = deliveries.filter((d) => d.body.includes('"second"'));
    expect(deliveries.filter((d) => d.body.includes('"first"'))).toHaveLength(1);
    expect(second.map((d) => d.receiveCount)).toEqual(["1", "2"]);
    expect(second[1].at - second[0].at).toBeGreaterThanOrEqual(900);
    expect(source.stats.messagesNotDeleted).toBe(1);
    expect(faults.counters().injected.redeliver).toEqual({ [fn.name]: 1 });
    const { Item } = await dynamodb.dynamoDb.send(
      new GetItemCommand({ TableName: tables.summary, Key: { accountid: { S: "queued" } } }),
    );
    expect({ total: Item?.account_total?.N, count: Item?.order_count?.N }).toEqual({
      total: "3.75",
      count: "2",
    });
  });
});
