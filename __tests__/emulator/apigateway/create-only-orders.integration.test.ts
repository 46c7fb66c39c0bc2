import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { invokeDynamoDbAction } from "../../../emulator/apigateway/dynamodb-integration";
import { createTemplateContext, overriddenStatus } from "../../../emulator/apigateway/vtl";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { localCredentials, localRegion } from "../../../emulator/local-credentials";
import { render } from "../../templates/template-files";

/**
 * The POST /order templates against DynamoDB Local with a streamed details table: what the create-only
 * condition does to the item and to the stream. DynamoDB writes no stream record for a PutItem that
 * changes nothing (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
 */
let dynamoDbLocal: DynamoDbLocal;
let clients: DynamoDbLocalClients;
let streamArn: string;

const order = {
  accountid: "acct-1",
  vendorid: "v-1",
  orderdate: "2026-12-01T07:53:00.123Z",
  city: "Z\u00fcrich \u2615 \u{1D11E}",
  coffeetype: 'Flat "White" $x #set',
  coffeesize: "Medium",
  unitprice: 4.1,
  quantity: 3,
};

beforeAll(async () => {
  dynamoDbLocal = await startDynamoDbLocal();
  clients = createDynamoDbLocalClients(dynamoDbLocal.endpoint);
  await clients.dynamoDb.send(
    new CreateTableCommand({
      TableName: "details-table",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "accountid", AttributeType: "S" },
        { AttributeName: "vendorid", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "accountid", KeyType: "HASH" },
        { AttributeName: "vendorid", KeyType: "RANGE" },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    }),
  );
  const { Table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: "details-table" }));
  streamArn = Table?.LatestStreamArn ?? "";
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await dynamoDbLocal?.stop();
});

/** POST /order as API Gateway runs it: request template, PutItem, then the 200 or error template. */
async function post(body: string): Promise<{ status: number; body: Record<string, string> }> {
  const { output: request } = render("order-request.vtl", body);
  const answer = await invokeDynamoDbAction(
    { endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials },
    "PutItem",
    request,
  );
  const context = createTemplateContext({ requestId: "req-1" });
  const template = answer.statusCode === 200 ? "order-response.vtl" : "error-response.vtl";
  const { output } = render(template, answer.body, {}, context);
  return {
    status: overriddenStatus(context) ?? (answer.statusCode === 200 ? 200 : 400),
    body: JSON.parse(output),
  };
}

async function streamEvents(): Promise<string[]> {
  const { StreamDescription } = await clients.streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const events: string[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    const { ShardIterator } = await clients.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const { Records = [] } = await clients.streams.send(new GetRecordsCommand({ ShardIterator }));
    events.push(...Records.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.vendorid?.S}`));
  }
  return events;
}

async function stored(vendorid: string) {
  const { Item } = await clients.dynamoDb.send(
    new GetItemCommand({
      TableName: "details-table",
      Key: { accountid: { S: "acct-1" }, vendorid: { S: vendorid } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

test("a new order is written once; an identical replay answers 200 and writes no stream record", async () => {
  expect(await post(JSON.stringify({ order }))).toEqual({
    status: 200,
    body: { message: "Order accepted", requestId: "req-1" },
  });
  const first = await stored("v-1");
  expect(await streamEvents()).toEqual(["INSERT v-1"]);

  // The same content, the price written with a trailing zero: DynamoDB numbers compare as numbers.
  const replay = JSON.stringify({ order }).replace('"unitprice":4.1', '"unitprice":4.10');
  expect(replay).toContain('"unitprice":4.10');
  for (const body of [JSON.stringify({ order }), replay]) expect((await post(body)).status).toBe(200);

  expect(await stored("v-1")).toEqual(first);
  expect(await streamEvents()).toEqual(["INSERT v-1"]);
});

test.each([
  ["another quantity", { quantity: 1000 }],
  ["another price", { unitprice: 10000 }],
  ["another timestamp for the same instant", { orderdate: "2026-12-01T08:53:00.123+01:00" }],
  ["another city", { city: "Zurich" }],
])("%s for an existing order answers 409 and changes nothing", async (_name, change) => {
  const before = await stored("v-1");
  const events = await streamEvents();

  const answer = await post(JSON.stringify({ order: { ...order, ...change } }));

  expect(answer).toEqual({
    status: 409,
    body: {
      message: "An order with this accountid and vendorid exists with different content; it was not changed",
      requestId: "req-1",
    },
  });
  expect(await stored("v-1")).toEqual(before);
  expect(await streamEvents()).toEqual(events);
});

test("after another writer modified an order, re-posting the original is a conflict, not an overwrite", async () => {
  expect((await post(JSON.stringify({ order: { ...order, vendorid: "v-2" } }))).status).toBe(200);
  const modified = { ...(await stored("v-2")), quantity: { N: "4" } };
  await clients.dynamoDb.send(new PutItemCommand({ TableName: "details-table", Item: modified }));

  expect((await post(JSON.stringify({ order: { ...order, vendorid: "v-2" } }))).status).toBe(409);

  expect(await stored("v-2")).toEqual(modified);
  expect((await streamEvents()).filter((event) => event.endsWith("v-2"))).toEqual([
    "INSERT v-2",
    "MODIFY v-2",
  ]);
});
