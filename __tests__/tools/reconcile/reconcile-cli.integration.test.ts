import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import type { ReconcileTarget } from "../../../tools/reconcile";
import { runReconcileCli } from "../../../tools/reconcile/run-reconcile-cli";
import { writeEndpointsFile } from "../../../tools/shared/endpoints-file";
import { createReconcileTables, putOrder, putSummary, readSummary } from "./reconcile-tables";

let dynamoDb: DynamoDbLocal;
let sqsLocal: SqsLocal;
let clients: DynamoDbLocalClients;
let sqs: SQSClient;
let stateDir: string;

beforeAll(async () => {
  [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  clients = createDynamoDbLocalClients(dynamoDb.endpoint);
  sqs = createSqsLocalClient(sqsLocal.endpoint);
  stateDir = mkdtempSync(path.join(tmpdir(), "reconcile-cli-"));
});

afterAll(async () => {
  clients?.destroy();
  sqs?.destroy();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReconcileCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A running stack as `npm start` describes it: tables and queues named by its Terraform outputs. */
async function localStack(name: string) {
  const target = await createReconcileTables(clients.dynamoDb);
  await putOrder(target, "acct-a", "order-1", "4.10", "3");
  await putSummary(target, "acct-a", "12.30", "1");
  const queueUrl = async (queue: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${queue}` }))).QueueUrl as string;
  const outputs = {
    api_url: "http://127.0.0.1:1/dev",
    details_table_name: target.detailsTable,
    summary_table_name: target.summaryTable,
    ledger_table_name: "unused-ledger",
    failure_queue_url: await queueUrl("failures"),
    summary_updates_queue_url: await queueUrl("updates"),
    summary_updates_dlq_url: await queueUrl("dlq"),
  };
  const entry = {
    url: outputs.api_url,
    auth: "none" as const,
    apiKey: null,
    signing: null,
    dynamodbEndpoint: dynamoDb.endpoint,
    sqsEndpoint: sqsLocal.endpoint,
    outputs,
  };
  return { target, outputs, entry };
}

it("--local: reports no drift, then a drift table with exit 1, then fixes it with exit 0", async () => {
  const direct = await localStack("direct");
  const queued = await localStack("queued");
  const file = writeEndpointsFile(
    { "direct-projection": direct.entry, "queued-projection": queued.entry },
    stateDir,
  );
  const local = ["--local", "--endpoints-file", file];

  const clean = await run(local);
  expect(clean.code).toBe(0);
  expect(clean.out).toContain(`direct-projection: details ${direct.target.detailsTable}`);
  expect(clean.out).toContain("queued-projection: details");
  expect(clean.out).toContain("no drift across 1 accounts (1 details items)");

  await putSummary(queued.target, "acct-a", "12.35", "2");
  await putSummary(queued.target, "acct-z", "1", "1");
  await putOrder(queued.target, "acct-b", "bad", { S: "free" }, "1");
  const drifting = await run([...local, "--stack", "queued-projection"]);
  expect(drifting.code).toBe(1);
  expect(drifting.out).not.toContain("direct-projection");
  const lines = drifting.out.split("\n");
  expect(lines).toContain("drift in 2 of 3 accounts (2 details items; difference = summary − details):");
  expect(lines.find((line) => line.includes("acct-a"))?.split(/ {2,}/)).toEqual([
    "",
    "acct-a",
    "12.3 / 1",
    "12.35 / 2",
    "+0.05",
    "+1",
  ]);
  expect(lines.find((line) => line.includes("acct-z"))?.split(/ {2,}/)).toEqual([
    "",
    "acct-z",
    "0 / 0 (no orders)",
    "1 / 1",
    "+1",
    "+1",
  ]);
  expect(drifting.out).toMatch(/1 unprojectable details item\(s\)[^\n]*\n {2}acct-b \/ bad: .*unitprice/);

  await sqs.send(
    new SendMessageCommand({ QueueUrl: queued.outputs.summary_updates_dlq_url, MessageBody: "{}" }),
  );
  const refused = await run([...local, "--stack", "queued-projection", "--fix", "--settle-seconds", "0"]);
  expect(refused.code).toBe(1);
  expect(refused.out).toContain(`1 in ${queued.outputs.summary_updates_dlq_url}`);
  expect(refused.out).toContain("--ignore-queues");
  expect(await readSummary(queued.target, "acct-a")).toEqual({ total: "12.35", count: "2" });

  const fixed = await run([
    ...local,
    "--stack",
    "queued-projection",
    "--fix",
    "--settle-seconds",
    "0.1",
    "--ignore-queues",
  ]);
  expect(fixed.code).toBe(0);
  expect(fixed.out).toContain("checking again in 0.1 s");
  expect(fixed.out).toContain("fixed acct-a: now 12.3 / 1");
  expect(fixed.out).toContain("fixed acct-z: now 0 / 0");
  expect(fixed.out).toContain("0 drifting account(s) remain");
  expect(await readSummary(queued.target, "acct-a")).toEqual({ total: "12.3", count: "1" });
  expect((await run(local)).code).toBe(0);
});

it("--local: exits 2 naming the running stacks when --stack is not one of them", async () => {
  const direct = await localStack("only");
  const file = writeEndpointsFile({ "direct-projection": direct.entry }, path.join(stateDir, "only"));
  const result = await run(["--local", "--endpoints-file", file, "--stack", "queued-projection"]);
  expect(result.code).toBe(2);
  expect(result.err).toBe(
    "error: --stack queued-projection is not running; running stacks: direct-projection",
  );
});

describe("against AWS (the default credential chain, here pointed at DynamoDB Local)", () => {
  const saved = { ...process.env };
  let target: ReconcileTarget;

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    });
    target = await createReconcileTables(clients.dynamoDb);
    await putOrder(target, "acct-a", "order-1", "2.00", "2");
    await putSummary(target, "acct-a", "4", "2");
  });

  afterAll(() => {
    process.env = saved;
  });

  it("reads the named tables and exits 1 on drift", async () => {
    const result = await run([
      "--details-table",
      target.detailsTable,
      "--summary-table",
      target.summaryTable,
      "--region",
      "us-east-1",
    ]);
    expect(result.err).toBe("");
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/acct-a +4 \/ 1 +4 \/ 2 +0 +\+1/);
  });

  it("exits 2 naming the table flags when a table does not exist", async () => {
    const result = await run([
      "--details-table",
      "no-such-table",
      "--summary-table",
      target.summaryTable,
      "--region",
      "us-east-1",
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("check --details-table no-such-table");
  });
});
