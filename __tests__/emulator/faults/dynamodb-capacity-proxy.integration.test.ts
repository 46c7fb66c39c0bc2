import { randomUUID } from "node:crypto";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../emulator/dynamodb-local";
import {
  type CapacityTable,
  type DynamoDbCapacityProxy,
  startDynamoDbCapacityProxy,
} from "../../../emulator/faults";
import { localClientConfig } from "../../../emulator/local-credentials";

const THROTTLED_MESSAGE =
  "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";

let dynamoDb: DynamoDbLocal;
let direct: DynamoDBClient;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  direct = new DynamoDBClient(localClientConfig(dynamoDb.endpoint));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  direct?.destroy();
  await dynamoDb?.stop();
});

async function createTable(
  billingMode: CapacityTable["billingMode"],
  writeCapacity = 1,
): Promise<CapacityTable> {
  const name = `t-${randomUUID()}`;
  await direct.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: billingMode,
      ProvisionedThroughput:
        billingMode === "PROVISIONED"
          ? { ReadCapacityUnits: 1, WriteCapacityUnits: writeCapacity }
          : undefined,
    }),
  );
  return { name, billingMode, writeCapacity: billingMode === "PROVISIONED" ? writeCapacity : undefined };
}

/** A proxy on a hand-driven clock, and an SDK client through it with the SDK's retries off. */
async function proxyWithClock(throttle = true) {
  const clock = { nowMs: 1_000_000 };
  const proxy = await startDynamoDbCapacityProxy({
    target: dynamoDb.endpoint,
    throttle,
    now: () => clock.nowMs,
  });
  const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), maxAttempts: 1 });
  cleanups.push(
    () => client.destroy(),
    () => proxy.stop(),
  );
  return { clock, proxy, client };
}

const put = (client: DynamoDBClient, table: string, pk: string, padding = "") =>
  client.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: pk }, ...(padding ? { pad: { S: padding } } : {}) },
    }),
  );

async function outcome(write: Promise<unknown>): Promise<"ok" | "throttled"> {
  try {
    await write;
    return "ok";
  } catch (error) {
    if (error instanceof ProvisionedThroughputExceededException) return "throttled";
    throw error;
  }
}

async function putMany(client: DynamoDBClient, table: string, count: number, padding = "") {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) outcomes.push(await outcome(put(client, table, `item-${i}`, padding)));
  return outcomes;
}

it("answers a write beyond capacity exactly as DynamoDB does, and the SDK surfaces it as such", async () => {
  const { proxy, client } = await proxyWithClock();
  const table = await createTable("PROVISIONED", 2);
  proxy.addTables([table]);

  // A new table has accumulated no burst capacity: the very first write is throttled.
  const error = await put(client, table.name, "a").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
  expect(error).toMatchObject({
    name: "ProvisionedThroughputExceededException",
    message: THROTTLED_MESSAGE,
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });

  const raw = await fetch(proxy.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" },
    body: JSON.stringify({ TableName: table.name, Item: { pk: { S: "b" } } }),
  });
  expect(raw.status).toBe(400);
  expect(raw.headers.get("content-type")).toBe("application/x-amz-json-1.0");
  expect(await raw.text()).toBe(
    `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"${THROTTLED_MESSAGE}"}`,
  );
  const { Item } = await direct.send(new GetItemCommand({ TableName: table.name, Key: { pk: { S: "a" } } }));
  expect(Item).toBeUndefined();
  expect(proxy.counters().throttled).toEqual({ [table.name]: { PutItem: 2 } });
  expect(proxy.counters().writes).toEqual({});
});

it("refills at the write capacity per second and counts successful writes per table and operation", async () => {
  const { clock, proxy, client } = await proxyWithClock();
  const table = await createTable("PROVISIONED", 5);
  proxy.addTables([table]);

  clock.nowMs += 1000;
  expect(await putMany(client, table.name, 6)).toEqual(["ok", "ok", "ok", "ok", "ok", "throttled"]);
  clock.nowMs += 400;
  expect(await putMany(client, table.name, 3)).toEqual(["ok", "ok", "throttled"]);

  expect(proxy.counters([table.name])).toEqual({
    writes: { [table.name]: { PutItem: 7 } },
    throttled: { [table.name]: { PutItem: 2 } },
    consumedWriteCapacity: { [table.name]: 7 },
  });
  // Reads pass through uncounted.
  await client.send(new GetItemCommand({ TableName: table.name, Key: { pk: { S: "item-0" } } }));
  expect(proxy.counters().writes[table.name]).toEqual({ PutItem: 7 });
});

it("bursts up to 300 seconds of capacity and charges one unit per started KB", async () => {
  const { clock, proxy, client } = await proxyWithClock();
  const table = await createTable("PROVISIONED", 1);
  proxy.addTables([table]);

  clock.nowMs += 3_600_000; // an idle hour still banks only 300 s x 1 WCU
  const nineAndAHalfKb = "x".repeat(9.5 * 1024); // with its key and names: 10 units
  expect(await putMany(client, table.name, 31, nineAndAHalfKb)).toEqual([
    ...Array.from({ length: 30 }, () => "ok"),
    "throttled",
  ]);
  expect(proxy.counters().consumedWriteCapacity[table.name]).toBe(300);
});

it("spends every banked unit when told to, then refills from zero", async () => {
  const { clock, proxy, client } = await proxyWithClock();
  const table = await createTable("PROVISIONED", 2);
  proxy.addTables([table]);

  clock.nowMs += 60_000; // a minute of start-up banks 120 units
  proxy.emptyBuckets();
  expect(await putMany(client, table.name, 1)).toEqual(["throttled"]);
  clock.nowMs += 1000;
  expect(await putMany(client, table.name, 3)).toEqual(["ok", "ok", "throttled"]);
});

it("charges a transaction two units per action on each provisioned table, never throttles on-demand tables", async () => {
  const { clock, proxy, client } = await proxyWithClock();
  const summary = await createTable("PROVISIONED", 2);
  const ledger = await createTable("PAY_PER_REQUEST");
  proxy.addTables([summary, ledger]);
  const transaction = (id: string) =>
    client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: summary.name,
              Key: { pk: { S: "acct" } },
              UpdateExpression: "ADD account_total :n",
              ExpressionAttributeValues: { ":n": { N: "1" } },
            },
          },
          { Put: { TableName: ledger.name, Item: { pk: { S: `${id}-1` } } } },
          { Put: { TableName: ledger.name, Item: { pk: { S: `${id}-2` } } } },
        ],
      }),
    );

  clock.nowMs += 1000;
  expect(await outcome(transaction("a"))).toBe("ok");
  expect(await outcome(transaction("b"))).toBe("throttled");
  expect(await putMany(client, ledger.name, 20)).toEqual(Array.from({ length: 20 }, () => "ok"));

  expect(proxy.counters()).toEqual({
    writes: {
      [summary.name]: { TransactWriteItems: 1 },
      [ledger.name]: { TransactWriteItems: 1, PutItem: 20 },
    },
    throttled: { [summary.name]: { TransactWriteItems: 1 } },
    consumedWriteCapacity: { [summary.name]: 2, [ledger.name]: 24 },
  });
});

it("charges BatchWriteItem per item", async () => {
  const { clock, proxy, client } = await proxyWithClock();
  const table = await createTable("PROVISIONED", 3);
  proxy.addTables([table]);
  const batch = (prefix: string, size: number) =>
    client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table.name]: Array.from({ length: size }, (_, i) => ({
            PutRequest: { Item: { pk: { S: `${prefix}${i}` } } },
          })),
        },
      }),
    );
  clock.nowMs += 1000;
  expect(await outcome(batch("a", 4))).toBe("throttled");
  expect(await outcome(batch("b", 3))).toBe("ok");
  expect(proxy.counters().consumedWriteCapacity[table.name]).toBe(3);
});

it("with throttling off only counts", async () => {
  const { proxy, client } = await proxyWithClock(false);
  const table = await createTable("PROVISIONED", 1);
  proxy.addTables([table]);
  expect(await putMany(client, table.name, 5)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  expect(proxy.counters().writes).toEqual({ [table.name]: { PutItem: 5 } });
  expect(proxy.counters().throttled).toEqual({});
});

it("lets the SDK's own retries ride out a throttle", async () => {
  const proxy: DynamoDbCapacityProxy = await startDynamoDbCapacityProxy({
    target: dynamoDb.endpoint,
    throttle: true,
  });
  const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), maxAttempts: 10 });
  cleanups.push(
    () => client.destroy(),
    () => proxy.stop(),
  );
  const table = await createTable("PROVISIONED", 5);
  proxy.addTables([table]);

  await put(client, table.name, "eventually");
  const { Item } = await direct.send(
    new GetItemCommand({ TableName: table.name, Key: { pk: { S: "eventually" } } }),
  );
  expect(Item?.pk.S).toBe("eventually");
  expect(proxy.counters().throttled[table.name]?.PutItem).toBeGreaterThanOrEqual(1);
  expect(proxy.counters().writes[table.name]).toEqual({ PutItem: 1 });
});
