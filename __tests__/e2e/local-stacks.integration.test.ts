import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import {
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import Big from "big.js";
import fc from "fast-check";
import { localClientConfig } from "../../emulator/local-credentials";
import { seededRandom } from "../../emulator/seeded-random";
import { EXECUTE_API_SERVICE, signRequest } from "../../emulator/sigv4";
import type { RunningStack } from "../../emulator/stack-runtime";
import { deltasFromQueueMessage } from "../../functions/shared/queue-message";
import { apiTargetOf, callApi, getSummary, postOrder } from "../../tools/load/api-client";
import { type Order, randomOrder } from "../../tools/load/orders";
import { runLoad } from "../../tools/load/run-load";
import { type LocalRuntime, startLocalRuntime } from "../../tools/local/local-runtime";
import { readWholeStream } from "../../tools/verify/stream-reader";
import { acceptedOrderDate, longPriceText, priceText, unicodeText } from "../support/order-arbitraries";

/**
 * Short timeouts so that redrive after maxReceiveCount happens within a minute (visibility = 6 x 2 + 1 s,
 * 3 receives); the retries stay at their defaults so that a slow machine does not fail good batches.
 * 10 WCU: at 2 s one apply-summary invocation must still be able to pay for its largest write (config).
 */
const FAST_FAILURE_SETTINGS = {
  CQRS_FUNCTION_TIMEOUT_SECONDS: "2",
  CQRS_QUEUE_MAX_RECEIVE_COUNT: "3",
  CQRS_QUEUE_BATCH_WINDOW_SECONDS: "1",
  CQRS_QUEUED_SUMMARY_WCU: "10",
};

let outdir: string;
let runtime: LocalRuntime;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), "cqrs-e2e-"));
  runtime = await startLocalRuntime({
    outdir,
    synthEnvironment: FAST_FAILURE_SETTINGS,
    ports: { "direct-projection": 0, "queued-projection": 0 },
    stateDir: null,
    functionLogs: "silent",
  });
  dynamodb = new DynamoDBClient(localClientConfig(runtime.dynamodb.endpoint));
  sqs = new SQSClient(localClientConfig(runtime.sqs.endpoint));
}, 120_000);

afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  await runtime?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

function stack(name: string): RunningStack {
  const found = runtime.stacks.find((s) => s.name === name);
  if (!found) throw new Error(`stack ${name} is not running`);
  return found;
}

async function ordersOf(stackName: string, accountid: string): Promise<number> {
  const table = stack(stackName).outputs.details_table_name as string;
  const result = await dynamodb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "accountid = :a",
      ExpressionAttributeValues: { ":a": { S: accountid } },
    }),
  );
  return result.Count ?? 0;
}

async function summaryOnceCounted(target: RunningStack, accountid: string, count: number) {
  const deadline = Date.now() + 30_000;
  let reading = await getSummary(target, accountid);
  while (reading.count !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    reading = await getSummary(target, accountid);
  }
  return reading;
}

async function drain(queueUrl: string, expected: number, timeoutMs: number): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < expected && Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages ?? []) bodies.push(message.Body ?? "");
  }
  return bodies;
}

test("runs both synthesized stacks and reports what it does not emulate", () => {
  expect(runtime.stacks.map((s) => s.name)).toEqual(["direct-projection", "queued-projection"]);
  for (const running of runtime.stacks) expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
  expect(runtime.notEmulated).toEqual(
    expect.arrayContaining(["aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group"]),
  );
  expect(stack("queued-projection").outputs.summary_updates_dlq_url).toMatch(/summary-updates-dlq$/);
});

describe.each(["direct-projection", "queued-projection"])("%s over HTTP", (name) => {
  test("200 orders over 5 accounts, 30 re-sent unchanged and changed, converge to exact summaries", async () => {
    const report = await runLoad({
      ...apiTargetOf(stack(name)),
      orders: 200,
      accounts: 5,
      resendRate: 0.15,
      seed: 7,
      convergeTimeoutSeconds: 60,
    });
    expect(report.rejected).toEqual([]);
    expect({ sent: report.sent, accepted: report.accepted, conflicts: report.conflicts }).toEqual({
      sent: 230,
      accepted: 200,
      conflicts: 30,
    });
    for (const check of report.accounts) {
      expect({
        account: check.expected.accountId,
        total: check.actual.total,
        count: check.actual.count,
      }).toEqual({
        account: check.expected.accountId,
        total: check.expected.accountTotal.toString(),
        count: check.expected.orderCount,
      });
    }
    expect(report.accounts.reduce((sum, c) => sum + c.expected.orderCount, 0)).toBe(170);
  });

  test("a bad body gets a JSON 400 and writes nothing", async () => {
    const order = randomOrder(seededRandom(1), `${name}-bad`, "v-1");
    const answers = await Promise.all([
      postOrder(stack(name), { ...order, quantity: -1 }),
      postOrder(stack(name), { ...order, unitprice: "free" as unknown as number }),
      postOrder(stack(name), { ...order, accountid: "" }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toHaveProperty("message");
    }
    expect(await ordersOf(name, `${name}-bad`)).toBe(0);
  });

  test("an order is create-only: a changed re-send gets 409, an identical one 200, and both change nothing", async () => {
    const target = stack(name);
    const accountid = `${name}-create-only`;
    const order = {
      ...randomOrder(seededRandom(3), accountid, "v-1"),
      orderdate: new Date().toISOString(),
      city: "Z\u00fcrich \u2615 \u{1D11E} \uFFFF",
    };
    expect((await postOrder(target, order)).status).toBe(200);
    const counted = await summaryOnceCounted(target, accountid, 1);
    expect(counted).toMatchObject({ status: 200, count: 1 });

    const conflict = await postOrder(target, { ...order, unitprice: 10000, quantity: 1000 });
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.text)).toEqual({
      message: expect.stringContaining("exists"),
      requestId: expect.any(String),
    });
    expect((await postOrder(target, order)).status).toBe(200);

    // Nothing new reaches the stream: the details table holds one record for the key, and after the
    // projection had time to see any, the summary is what it was.
    const details = target.outputs.details_table_name as string;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: details }));
    const streams = new DynamoDBStreamsClient(localClientConfig(runtime.dynamodb.endpoint));
    try {
      const records = (await readWholeStream(streams, Table?.LatestStreamArn ?? "")).filter(
        (record) => record.accountid === accountid,
      );
      expect(records.map((record) => record.eventName)).toEqual(["INSERT"]);
    } finally {
      streams.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await getSummary(target, accountid)).toEqual(counted);
  });

  test("IAM by default: unsigned, tampered and stale requests get 403 and write nothing; signed ones pass", async () => {
    const target = stack(name);
    expect(target.auth).toBe("iam");
    const signing = target.signing as NonNullable<RunningStack["signing"]>;
    expect(signing.credentials.accessKeyId).toMatch(/^LOCAL[A-Z0-9]{15}$/);
    expect(target.outputs.api_invoke_resource_arn).toMatch(
      /^arn:aws:execute-api:us-east-1:000000000000:[^/]+\/dev\/\*\/\*$/,
    );
    const order = randomOrder(seededRandom(3), `${name}-iam`, "v-1");
    const url = new URL(`${target.url}/order`);
    const body = JSON.stringify({ order });
    const send = (headers: Record<string, string>) => fetch(url, { method: "POST", headers, body });
    const sign = (signingDate?: Date) =>
      signRequest(
        { method: "POST", url, headers: { "content-type": "application/json" }, body },
        { ...signing, service: EXECUTE_API_SERVICE },
        signingDate,
      );

    const unsigned = await send({ "content-type": "application/json" });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({
      message: "Missing Authentication Token",
      requestId: expect.any(String),
    });
    const good = await sign();
    const tampered = await send({
      ...good,
      authorization: good.authorization.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
    });
    expect(tampered.status).toBe(403);
    expect(JSON.parse(await tampered.text()).message).toMatch(
      /^The request signature we calculated does not match/,
    );
    const stale = await send(await sign(new Date(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(403);
    expect(JSON.parse(await stale.text()).message).toMatch(/^Signature expired: /);
    expect((await getSummary({ url: target.url }, order.accountid)).status).toBe(403);
    expect(await ordersOf(name, order.accountid)).toBe(0);

    expect((await send(good)).status).toBe(200);
    expect(await ordersOf(name, order.accountid)).toBe(1);
  });

  test("an unknown account gets a JSON 404", async () => {
    const reading = await getSummary(stack(name), `${name}-nobody`);
    expect(reading.status).toBe(404);
    expect(JSON.parse(reading.text)).toHaveProperty("message");
  });
});

test("direct: a record the projection cannot handle lands in the on-failure queue, nothing else is lost", async () => {
  const direct = stack("direct-projection");
  const details = direct.outputs.details_table_name as string;
  const random = seededRandom(11);
  const good = Array.from({ length: 6 }, (_, i) => randomOrder(random, "direct-poison-neighbour", `v-${i}`));
  for (const order of good.slice(0, 3)) expect((await postOrder(direct, order)).status).toBe(200);
  await dynamodb.send(
    new PutItemCommand({
      TableName: details,
      Item: { accountid: { S: "direct-poison" }, vendorid: { S: "v-0" }, unitprice: { S: "not a number" } },
    }),
  );
  for (const order of good.slice(3)) expect((await postOrder(direct, order)).status).toBe(200);

  const [failure] = await drain(direct.outputs.failure_queue_url as string, 1, 30_000);
  const metadata = JSON.parse(failure);
  expect(metadata.requestContext.condition).toBe("RetryAttemptsExhausted");
  expect(metadata.DDBStreamBatchInfo).toMatchObject({
    batchSize: expect.any(Number),
    streamArn: expect.stringContaining(details),
  });

  const expectedTotal = good.reduce((sum, o) => sum + Math.round(o.unitprice * 100) * o.quantity, 0) / 100;
  const reading = await summaryOnceCounted(direct, "direct-poison-neighbour", 6);
  expect(reading).toMatchObject({ status: 200, count: 6 });
  expect(Number(reading.total)).toBeCloseTo(expectedTotal, 10);
  expect((await getSummary(direct, "direct-poison")).status).toBe(404);
}, 60_000);

test("queued: a message the projection cannot handle lands in the DLQ after maxReceiveCount", async () => {
  const queued = stack("queued-projection");
  const details = queued.outputs.details_table_name as string;
  const random = seededRandom(13);
  const good = Array.from({ length: 4 }, (_, i) => randomOrder(random, "queued-poison-neighbour", `v-${i}`));
  await dynamodb.send(
    new PutItemCommand({
      TableName: details,
      Item: { accountid: { S: "queued-poison" }, vendorid: { S: "v-0" }, quantity: { N: "2" } },
    }),
  );
  for (const order of good) expect((await postOrder(queued, order)).status).toBe(200);

  const [dead] = await drain(queued.outputs.summary_updates_dlq_url as string, 1, 90_000);
  const record = JSON.parse(dead);
  expect(record).toMatchObject({
    eventName: "INSERT",
    dynamodb: { Keys: { accountid: { S: "queued-poison" } } },
  });

  const reading = await summaryOnceCounted(queued, "queued-poison-neighbour", 4);
  expect(reading).toMatchObject({ status: 200, count: 4 });
  expect((await drain(queued.outputs.failure_queue_url as string, 1, 1_000)).length).toBe(0);
}, 120_000);

/** Change records carried by the messages in a queue, peeked with visibility 0 (one record per raw message). */
async function recordsIn(queueUrl: string): Promise<number> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages.reduce((sum, message) => sum + deltasFromQueueMessage(message.Body ?? "").length, 0);
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("queued: once the fault is repaired, a DLQ redrive applies every dead-lettered record exactly once", async () => {
  const queued = stack("queued-projection");
  const summaryTable = queued.outputs.summary_table_name as string;
  const workUrl = queued.outputs.summary_updates_queue_url as string;
  const dlqUrl = queued.outputs.summary_updates_dlq_url as string;
  const dlqArn = queued.outputs.summary_updates_dlq_arn as string;
  const account = "queued-redrive";
  // The poison record of the test above stays in the DLQ; a redrive would move it too.
  await sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
  // A summary whose total is text, not a number: every update of this account fails until it is repaired.
  const corrupt = { accountid: { S: account }, account_total: { S: "corrupt" }, order_count: { N: "0" } };
  await dynamodb.send(new PutItemCommand({ TableName: summaryTable, Item: corrupt }));
  const random = seededRandom(17);
  const orders = Array.from({ length: 3 }, (_, i) => randomOrder(random, account, `v-${i}`));
  for (const order of orders) expect((await postOrder(queued, order)).status).toBe(200);
  // The forwarder packs each stream batch into one message: the 3 records arrive in 1 to 3 messages.
  await until(
    async () => (await recordsIn(dlqUrl)) === orders.length && (await messagesIn(workUrl)) === 0,
    90_000,
  );

  // Keep one dead-lettered message to redrive a second time below (visibility 0: it stays in the DLQ).
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 0 }),
  );
  const copy = Messages[0]?.Body as string;
  expect(deltasFromQueueMessage(copy).map((delta) => delta.accountId)).toContain(account);

  await dynamodb.send(new DeleteItemCommand({ TableName: summaryTable, Key: { accountid: { S: account } } }));
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  const expected = orders.reduce(
    (sum, o) => sum.plus(new Big(String(o.unitprice)).times(o.quantity)),
    new Big(0),
  );
  const reading = await summaryOnceCounted(queued, account, orders.length);
  expect(reading).toMatchObject({ status: 200, count: orders.length, total: expected.toString() });
  await until(async () => (await messagesIn(dlqUrl)) === 0 && (await messagesIn(workUrl)) === 0, 30_000);

  // The same record redriven again (say, a copy that reached the DLQ twice) is applied no second time.
  await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: copy }));
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  await until(async () => (await messagesIn(dlqUrl)) === 0 && (await messagesIn(workUrl)) === 0, 30_000);
  expect(await getSummary(queued, account)).toMatchObject({
    status: 200,
    count: orders.length,
    total: expected.toString(),
  });
}, 180_000);

/** POST /order with this exact unitprice literal (JavaScript numbers cannot carry every literal). */
async function postWithPrice(target: RunningStack, order: Order, price: string) {
  const body = JSON.stringify({ order: { ...order, unitprice: 0 } }).replace(
    '"unitprice":0',
    `"unitprice":${price}`,
  );
  const response = await callApi(target, "POST", "/order", body);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe.each(["direct-projection", "queued-projection"])("%s: prices as API Gateway reads them", (name) => {
  test("a long decimal is stored and summed exactly; a short one is read as a double; refused prices write nothing", async () => {
    const target = stack(name);
    const base = randomOrder(seededRandom(23), `${name}-prices`, "unused");
    const line = (vendorid: string, quantity: number): Order => ({ ...base, vendorid, quantity });

    expect(await postWithPrice(target, line("long", 3), "12.90000000000000004")).toMatchObject({
      status: 200,
    });
    expect((await storedOrder(target, line("long", 3)))?.unitprice).toEqual({ N: "12.90000000000000004" });
    // 18 characters: API Gateway (and so the local runtime) reads a Double, which holds 1.0.
    expect(await postWithPrice(target, line("short", 1), "1.0000000000000001")).toMatchObject({
      status: 200,
    });
    expect((await storedOrder(target, line("short", 1)))?.unitprice).toEqual({ N: "1" });

    for (const [vendorid, price] of [
      ["above", "10000.0000000000000001"],
      ["too-fine", "12.900000000000000000004"],
    ]) {
      const answer = await postWithPrice(target, line(vendorid, 1), price);
      expect(answer).toMatchObject({ status: 400, json: { message: "Invalid request body" } });
      expect(await storedOrder(target, line(vendorid, 1))).toBeUndefined();
    }

    const reading = await summaryOnceCounted(target, base.accountid, 2);
    expect(reading).toMatchObject({ status: 200, count: 2, total: "39.70000000000000012" });
  }, 60_000);
});

interface SentOrder {
  order: Order;
  /** The JSON number text of unitprice in the request body. */
  price: string;
}

/** One order line of the contract: any Unicode text, every timestamp shape, prices with up to 4 or 20 decimals. */
const contractOrder = fc.record({
  vendorText: unicodeText(58),
  orderdate: acceptedOrderDate,
  city: unicodeText(100),
  coffeetype: unicodeText(50),
  coffeesize: unicodeText(20),
  price: fc.oneof(priceText, longPriceText),
  quantity: fc.integer({ min: 1, max: 1000 }),
});

let run = 0;

async function storedOrder(stack: RunningStack, order: Order) {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: stack.outputs.details_table_name as string,
      Key: { accountid: { S: order.accountid }, vendorid: { S: order.vendorid } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

test("every valid order is stored byte-exact and counted exactly, on both stacks (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), contractOrder), { minLength: 1, maxLength: 8 }),
      async (lines) => {
        run += 1;
        const sent: SentOrder[] = lines.map(([account, line], index) => ({
          price: line.price,
          order: {
            accountid: `contract-${run}-${account}`,
            vendorid: `${index}:${line.vendorText}`,
            orderdate: line.orderdate,
            city: line.city,
            coffeetype: line.coffeetype,
            coffeesize: line.coffeesize,
            unitprice: Number(line.price),
            quantity: line.quantity,
          },
        }));
        for (const stack of runtime.stacks) {
          const answers = await Promise.all(
            sent.map(({ order, price }) => postWithPrice(stack, order, price)),
          );
          expect(answers.map((answer) => answer.status)).toEqual(sent.map(() => 200));

          for (const { order, price } of sent) {
            expect(await storedOrder(stack, order)).toEqual({
              accountid: { S: order.accountid },
              vendorid: { S: order.vendorid },
              orderdate: { S: order.orderdate },
              city: { S: order.city },
              coffeetype: { S: order.coffeetype },
              coffeesize: { S: order.coffeesize },
              unitprice: { N: price },
              quantity: { N: String(order.quantity) },
            });
          }

          const accounts = [...new Set(sent.map(({ order }) => order.accountid))];
          for (const accountid of accounts) {
            const mine = sent.filter(({ order }) => order.accountid === accountid);
            const total = mine.reduce(
              (sum, { order, price }) => sum.plus(Big(price).times(order.quantity)),
              Big(0),
            );
            const reading = await summaryOnceCounted(stack, accountid, mine.length);
            expect({
              stack: stack.name,
              status: reading.status,
              total: reading.total,
              count: reading.count,
            }).toEqual({
              stack: stack.name,
              status: 200,
              total: total.toString(),
              count: mine.length,
            });
          }
        }
      },
    ),
    { numRuns: 4 },
  );
}, 120_000);
