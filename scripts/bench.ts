/**
 * Prints throughput figures of the pieces of this project on this machine. It asserts nothing about
 * speed: numbers depend on the machine and on what else runs on it.
 *
 *   npm run bench                                   every section
 *   npm run bench -- --only vtl|domain|writer|e2e   one section
 *   npm run bench -- --only e2e --orders 2000 --stack queued-projection
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { aggregateDeltas } from "../functions/domain/aggregate-deltas";
import { Decimal } from "../functions/domain/decimal";
import { summaryDeltaOf } from "../functions/domain/summary-delta";
import type { SummaryDelta } from "../functions/domain/types";
import { applyDeltas } from "../functions/summary/apply-deltas";
import { MAX_RECORDS_PER_TRANSACTION } from "../functions/summary/ledger";
import type { SummaryTables } from "../functions/summary/types";
import { createTemplateContext, renderMappingTemplate } from "../local/apigateway";
import { createDynamoDbLocalClients, startDynamoDbLocal } from "../local/dynamodb-local";
import { apiTargetOf } from "../local/load/api-client";
import { runLoad } from "../local/load/run-load";
import { startLocalRuntime } from "../local/local-runtime";

const SECTIONS = ["vtl", "domain", "writer", "e2e"] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench -- [--only ${SECTIONS.join("|")}] [--orders N] [--stack NAME]

  vtl      renders/s of templates/order-request.vtl with the local template engine
  domain   summary deltas/s and aggregation of 10,000 stream records
  writer   transactions/s and records/s writing batches of 99 records over 20 accounts to DynamoDB Local
  e2e      one stack on the local runtime: N orders (default 1000) posted, orders/s accepted, seconds to converge`;

const DEMO_ORDER_BODY = JSON.stringify({
  order: {
    accountid: "acct-1",
    vendorid: "order-0001",
    orderdate: "2021-12-01 10:15:30.123456",
    city: "Seattle",
    coffeetype: "Latte",
    coffeesize: "Large",
    unitprice: 4.1,
    quantity: 3,
  },
});

const WRITER_ACCOUNTS = 20;
const WRITER_BATCHES = 40;
const DOMAIN_RECORDS = 10_000;

const rate = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString("en-US");
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(34)} ${value}`);
}

function memoryLine(label: string): void {
  const { rss, heapUsed } = process.memoryUsage();
  line(label, `rss ${megabytes(rss)}, heap used ${megabytes(heapUsed)}`);
}

/** Runs work repeatedly for about minSeconds (after a short warm-up); returns iterations per second. */
function measure(work: () => void, minSeconds = 2): { iterations: number; seconds: number } {
  const warmUpUntil = performance.now() + 200;
  while (performance.now() < warmUpUntil) work();
  let iterations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    work();
    iterations += 1;
    elapsed = performance.now() - started;
  }
  return { iterations, seconds: elapsed / 1000 };
}

function benchVtl(): void {
  console.log("vtl: templates/order-request.vtl, demo body, local engine (parse + render per request)");
  const template = readFileSync(join(__dirname, "..", "templates", "order-request.vtl"), "utf8");
  const render = () =>
    renderMappingTemplate(template, {
      body: DEMO_ORDER_BODY,
      context: createTemplateContext({ requestId: "bench" }),
      stageVariables: { detailsTableName: "details" },
    });
  JSON.parse(render()); // the output must be the JSON PutItem request, or the figure means nothing
  const { iterations, seconds } = measure(render);
  line("renders/s", rate(iterations, seconds));
  line("mean render", `${((seconds / iterations) * 1e6).toFixed(0)} µs`);
}

function orderImage(accountid: string, vendorid: string, unitprice: string, quantity: number) {
  return {
    accountid: { S: accountid },
    vendorid: { S: vendorid },
    unitprice: { N: unitprice },
    quantity: { N: String(quantity) },
  };
}

/** 10,000 stream records over 20 accounts: 70% INSERT, 20% MODIFY, 10% REMOVE. */
function streamRecords(count: number): DynamoDBRecord[] {
  const prices = ["2.95", "3.45", "3.95", "4.1"];
  return Array.from({ length: count }, (_, index): DynamoDBRecord => {
    const accountid = `acct-${index % WRITER_ACCOUNTS}`;
    const vendorid = `order-${index}`;
    const oldImage = orderImage(accountid, vendorid, prices[index % 4] as string, 1 + (index % 5));
    const newImage = orderImage(accountid, vendorid, prices[(index + 1) % 4] as string, 1 + (index % 3));
    const kind = index % 10;
    const eventName = kind < 7 ? "INSERT" : kind < 9 ? "MODIFY" : "REMOVE";
    return {
      eventID: `event-${index}`,
      eventName,
      dynamodb: {
        Keys: { accountid: { S: accountid }, vendorid: { S: vendorid } },
        ...(eventName === "REMOVE" ? {} : { NewImage: newImage }),
        ...(eventName === "INSERT" ? {} : { OldImage: oldImage }),
        SequenceNumber: String(index).padStart(21, "0"),
      },
    };
  });
}

function benchDomain(): void {
  console.log(
    `domain: ${DOMAIN_RECORDS.toLocaleString("en-US")} stream records over ${WRITER_ACCOUNTS} accounts`,
  );
  const records = streamRecords(DOMAIN_RECORDS);
  const deltasRun = measure(() => records.map(summaryDeltaOf), 1);
  line("summary deltas/s", rate(deltasRun.iterations * records.length, deltasRun.seconds));
  const deltas = records.map(summaryDeltaOf);
  const aggregationRun = measure(() => aggregateDeltas(deltas), 1);
  line(
    `aggregation of ${DOMAIN_RECORDS.toLocaleString("en-US")} deltas`,
    `${((aggregationRun.seconds / aggregationRun.iterations) * 1000).toFixed(2)} ms ` +
      `(${rate(aggregationRun.iterations * deltas.length, aggregationRun.seconds)} deltas/s)`,
  );
}

async function createTable(client: DynamoDBClient, name: string, hashKey: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
    }),
  );
}

async function benchWriter(): Promise<void> {
  const batchSize = MAX_RECORDS_PER_TRANSACTION;
  console.log(
    `writer: ${WRITER_BATCHES} batches of ${batchSize} records over ${WRITER_ACCOUNTS} accounts, ` +
      "one after the other, DynamoDB Local",
  );
  const dynamoDbLocal = await startDynamoDbLocal();
  const clients = createDynamoDbLocalClients(dynamoDbLocal.endpoint);
  try {
    const tables: SummaryTables = { summaryTableName: "bench-summary", ledgerTableName: "bench-ledger" };
    await createTable(clients.dynamoDb, tables.summaryTableName, "accountid");
    await createTable(clients.dynamoDb, tables.ledgerTableName, "id");
    const batches = Array.from({ length: WRITER_BATCHES + 1 }, (_, batch) =>
      Array.from(
        { length: batchSize },
        (_, index): SummaryDelta => ({
          eventId: `batch-${batch}-event-${index}`,
          accountId: `acct-${index % WRITER_ACCOUNTS}`,
          amount: Decimal("3.45").times(Decimal(String(1 + (index % 5)))),
          orderCount: 1,
        }),
      ),
    );
    const [warmUp = [], ...measured] = batches;
    await applyDeltas(clients.documents, tables, warmUp);

    let failed = 0;
    const started = performance.now();
    for (const batch of measured) {
      failed += (await applyDeltas(clients.documents, tables, batch)).failedEventIds.length;
    }
    const seconds = (performance.now() - started) / 1000;
    const transactions = measured.length * Math.min(WRITER_ACCOUNTS, batchSize);
    line("transactions/s", rate(transactions, seconds));
    line("records/s", rate(measured.length * batchSize, seconds));
    line("mean batch", `${((seconds / measured.length) * 1000).toFixed(0)} ms`);
    if (failed > 0) line("records reported failed", String(failed));
  } finally {
    clients.destroy();
    await dynamoDbLocal.stop();
  }
}

async function benchEndToEnd(stack: string, orders: number): Promise<void> {
  console.log(
    `e2e: ${stack} on the local runtime, ${orders.toLocaleString("en-US")} orders over 10 accounts`,
  );
  memoryLine("memory before start");
  const startedAt = performance.now();
  const runtime = await startLocalRuntime({
    stacks: [stack],
    ports: { [stack]: 0 },
    stateDir: null,
    functionLogs: "silent",
  });
  try {
    const [running] = runtime.stacks;
    if (!running) throw new Error(`stack ${stack} did not start`);
    line("runtime started in", `${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    memoryLine("memory after start");
    const report = await runLoad({ ...apiTargetOf(running), orders, accounts: 10 });
    line(
      "orders accepted",
      `${report.accepted}/${report.sent} in ${report.sendSeconds.toFixed(1)} s ` +
        `(${rate(report.accepted, report.sendSeconds)} orders/s)`,
    );
    line(
      "converged",
      report.allExact
        ? `${report.convergeSeconds.toFixed(1)} s after the last order, every account exact`
        : `NO: not every account exact after ${report.convergeSeconds.toFixed(1)} s`,
    );
    memoryLine("memory after load");
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      orders: { type: "string" },
      stack: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.only !== undefined && !SECTIONS.includes(values.only as Section)) {
    console.error(`--only must be one of ${SECTIONS.join(", ")}, got "${values.only}"\n\n${USAGE}`);
    return 2;
  }
  const orders = values.orders === undefined ? 1000 : Number(values.orders);
  if (!Number.isInteger(orders) || orders < 1) {
    console.error(`--orders must be a positive integer, got "${values.orders}"`);
    return 2;
  }
  const sections = values.only ? [values.only as Section] : SECTIONS;
  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  for (const section of sections) {
    if (section === "vtl") benchVtl();
    if (section === "domain") benchDomain();
    if (section === "writer") await benchWriter();
    if (section === "e2e") await benchEndToEnd(values.stack ?? "direct-projection", orders);
    console.log();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
