import { randomUUID } from "node:crypto";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { itemSize, readPrices } from "../../../emulator/cost/charges";
import { type MeteringProxy, startMeteringProxy } from "../../../emulator/cost/metering-proxy";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../emulator/dynamodb-local";
import { findFreePort } from "../../../emulator/free-port";
import { localClientConfig } from "../../../emulator/local-credentials";
import { type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { PRICES_FILE } from "../../../tools/bench/prices";

let dynamoDb: DynamoDbLocal;
let sqsLocal: SqsLocal;
let proxy: MeteringProxy;
let direct: DynamoDBClient;
let metered: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  const sqsPort = await findFreePort();
  [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal({ queueUrlPort: sqsPort })]);
  proxy = await startMeteringProxy(
    { dynamodb: dynamoDb.endpoint, sqs: sqsLocal.endpoint },
    readPrices(PRICES_FILE),
    {
      sqsPort,
    },
  );
  direct = new DynamoDBClient(localClientConfig(dynamoDb.endpoint));
  metered = new DynamoDBClient({ ...localClientConfig(proxy.dynamodbEndpoint), maxAttempts: 1 });
  sqs = new SQSClient(localClientConfig(proxy.sqsEndpoint));
});

afterAll(async () => {
  for (const client of [direct, metered, sqs]) client?.destroy();
  await proxy?.stop();
  await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
});

beforeEach(() => proxy.reset());

async function createTable(): Promise<string> {
  const name = `t-${randomUUID()}`;
  await direct.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return name;
}

const text = (bytes: number) => ({ S: "x".repeat(bytes) });
const writeUnits = (table: string) => proxy.meters().tables[table]?.writeUnits ?? 0;

it("sizes items by DynamoDB's rules: attribute names plus values, a number by its significant digits", () => {
  expect(itemSize({ pk: { S: "abc" } })).toBe(2 + 3);
  // 12345.5 has 6 significant digits: 3 bytes + 1.
  expect(itemSize({ n: { N: "12345.5" } })).toBe(1 + 4);
  expect(itemSize({ m: { M: { a: { S: "b" } } } })).toBe(1 + 3 + 2 + 1);
});

it("charges a put one unit per started KB of the item, and a replacing put on the larger item", async () => {
  const table = await createTable();
  const key = { pk: { S: "a" }, sk: { S: "1" } };
  await metered.send(new PutItemCommand({ TableName: table, Item: { ...key, body: text(2000) } }));
  expect(writeUnits(table)).toBe(2);
  proxy.reset();
  // Replaced by a small item: charged on the 2 KB item it replaced.
  await metered.send(new PutItemCommand({ TableName: table, Item: key }));
  expect(writeUnits(table)).toBe(2);
});

it("charges an update on the larger of the item before and after, however small the request", async () => {
  const table = await createTable();
  const key = { pk: { S: "a" }, sk: { S: "1" } };
  await direct.send(new PutItemCommand({ TableName: table, Item: { ...key, body: text(3000) } }));
  await metered.send(
    new UpdateItemCommand({
      TableName: table,
      Key: key,
      UpdateExpression: "SET n = :one",
      ExpressionAttributeValues: { ":one": { N: "1" } },
    }),
  );
  expect(writeUnits(table)).toBe(3);
  proxy.reset();
  await metered.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: "REMOVE body" }));
  expect(writeUnits(table)).toBe(3);
});

it("charges a write whose condition fails on the item as it stands, where DynamoDB Local reports nothing", async () => {
  const table = await createTable();
  const key = { pk: { S: "a" }, sk: { S: "1" } };
  await direct.send(new PutItemCommand({ TableName: table, Item: { ...key, body: text(1500) } }));
  await expect(
    metered.send(
      new PutItemCommand({
        TableName: table,
        Item: key,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  const meter = proxy.meters().tables[table];
  expect(meter.writeUnits).toBe(2);
  expect(meter.failedConditions).toBe(1);
  expect(meter.localWriteUnits).toBe(0);
});

it("charges every transactional item twice, where DynamoDB Local reports a flat figure", async () => {
  const table = await createTable();
  await metered.send(
    new TransactWriteItemsCommand({
      TransactItems: Array.from({ length: 5 }, (_, i) => ({
        Put: { TableName: table, Item: { pk: { S: "a" }, sk: { S: String(i) } } },
      })),
    }),
  );
  const meter = proxy.meters().tables[table];
  expect(meter.writeUnits).toBe(10);
  expect(meter.localWriteUnits).not.toBe(10);
});

it("charges a cancelled transaction twice per item on the items as they stand", async () => {
  const table = await createTable();
  await direct.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { S: "0" }, body: text(1100) } }),
  );
  await expect(
    metered.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { pk: { S: "a" }, sk: { S: "0" } },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          { Put: { TableName: table, Item: { pk: { S: "a" }, sk: { S: "1" } } } },
        ],
      }),
    ),
  ).rejects.toBeInstanceOf(TransactionCanceledException);
  const meter = proxy.meters().tables[table];
  expect(meter.writeUnits).toBe(2 * 2 + 2 * 1);
  expect(meter.cancelledTransactions).toBe(1);
});

it("charges reads per started 4 KB: a strongly consistent read 1, an eventual one half, a query on what it read", async () => {
  const table = await createTable();
  for (let i = 0; i < 3; i++) {
    await direct.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: "a" }, sk: { S: String(i) }, body: text(3000) },
      }),
    );
  }
  const key = { pk: { S: "a" }, sk: { S: "0" } };
  await metered.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  await metered.send(new GetItemCommand({ TableName: table, Key: key }));
  expect(proxy.meters().tables[table].readUnits).toBe(1.5);
  proxy.reset();
  // Three 3 KB items, projected to their keys: charged on the 9 KB read, i.e. 3 units.
  await metered.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :a",
      ExpressionAttributeValues: { ":a": { S: "a" } },
      ProjectionExpression: "sk",
      ConsistentRead: true,
    }),
  );
  expect(proxy.meters().tables[table].readUnits).toBe(3);
});

it("bills SQS requests per 64 KB chunk of payload and counts empty receives and deletes", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `q-${randomUUID()}` }));
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: "x".repeat(60 * 1024) },
        { Id: "b", MessageBody: "x".repeat(10 * 1024) },
      ],
    }),
  );
  expect(proxy.meters().sqs.billedRequests).toBe(2);
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  expect(Messages).toHaveLength(2);
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
  const meter = proxy.meters().sqs;
  expect(meter.requests).toEqual({ SendMessageBatch: 1, ReceiveMessage: 2, DeleteMessageBatch: 1 });
  // 2 (70 KB sent) + 2 (70 KB received) + 1 delete + 1 empty receive.
  expect(meter.billedRequests).toBe(6);
  expect(meter.emptyReceives).toBe(1);
  expect(meter.messagesSent).toBe(2);
  expect(meter.messagesReceived).toBe(2);
});

it("passes what it does not meter, such as stream reads, through unchanged", async () => {
  const table = `t-${randomUUID()}`;
  const created = await direct.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  await metered.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" } } }));
  const streams = new DynamoDBStreamsClient(localClientConfig(proxy.dynamodbEndpoint));
  try {
    const StreamArn = created.TableDescription?.LatestStreamArn;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn,
        ShardId: StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(["a"]);
    expect(Object.keys(proxy.meters().tables)).toEqual([table]);
  } finally {
    streams.destroy();
  }
});
