import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { localClientConfig } from "../../../emulator/local-credentials";
import { apiTargetOf } from "../../../tools/load/api-client";
import { runLoad } from "../../../tools/load/run-load";
import { type LocalRuntime, startLocalRuntime } from "../../../tools/local/local-runtime";

let outdir: string;
let runtime: LocalRuntime;
const functionLogLines: { functionName: string; line: string }[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), "cqrs-faults-"));
  runtime = await startLocalRuntime({
    outdir,
    stacks: ["direct-projection"],
    synthEnvironment: { CQRS_STREAM_BATCH_WINDOW_SECONDS: "0", CQRS_DIRECT_SUMMARY_WCU: "50" },
    ports: { "direct-projection": 0 },
    stateDir: null,
    faults: {
      crashBeforeWrite: { every: 3 },
      crashAfterWrite: { every: 3 },
      duplicateDelivery: { every: 2 },
      throttle: true,
      seed: 11,
    },
    functionLogs: (functionName, line) => functionLogLines.push({ functionName, line }),
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

it("injects faults around the synthesized functions, and the summaries still converge exactly", async () => {
  const [direct] = runtime.stacks;
  for (let wave = 1; wave <= 4; wave++) {
    const report = await runLoad({
      ...apiTargetOf(direct),
      orders: 6,
      accounts: 2,
      resendRate: 0,
      concurrency: 2,
      seed: wave,
      runId: `wave-${wave}`,
      convergeTimeoutSeconds: 30,
    });
    expect(report.accounts.filter((check) => !check.exact)).toEqual([]);
  }

  const functionName = "cqrs-direct-dev-project-summary";
  const summaryTable = direct.outputs.summary_table_name as string;
  const counters = direct.faultCounters();
  expect(counters.seed).toBe(11);
  expect(counters.injected.crashBeforeWrite[functionName]).toBeGreaterThanOrEqual(1);
  expect(counters.injected.crashAfterWrite[functionName]).toBeGreaterThanOrEqual(1);
  expect(counters.injected.duplicateDelivery[functionName]).toBeGreaterThanOrEqual(1);
  expect(counters.injected.redeliver).toEqual({});
  // Every summary change went through the proxy as a conditional UpdateItem, about one per account per batch.
  expect(counters.dynamodb.writes[summaryTable]?.UpdateItem).toBeGreaterThanOrEqual(8);
  expect(runtime.faults.counters()).toEqual(counters);

  // Handler logs went to the callback, not to stdout.
  expect(functionLogLines.length).toBeGreaterThan(0);
  expect(functionLogLines.every((entry) => entry.functionName === functionName)).toBe(true);
  const jsonLines = functionLogLines.filter((entry) => entry.line.startsWith("{"));
  expect(JSON.parse(jsonLines[0].line)).toMatchObject({
    level: expect.any(String),
    function_name: functionName,
  });
}, 90_000);

it("the functions' DynamoDB endpoint throttles the provisioned summary table at its synthesized capacity", async () => {
  const summaryTable = runtime.stacks[0].outputs.summary_table_name as string;
  const client = new DynamoDBClient({ ...localClientConfig(runtime.capacityProxy.endpoint), maxAttempts: 1 });
  try {
    // 300 KB items cost 300 WCU each: whatever was banked (50 WCU/s since the table was created) runs out.
    let throttled: unknown;
    for (let i = 0; i < 200 && !throttled; i++) {
      await client
        .send(
          new PutItemCommand({
            TableName: summaryTable,
            Item: { accountid: { S: `drain-${i}` }, padding: { S: "x".repeat(300 * 1024 - 100) } },
          }),
        )
        .catch((error: unknown) => {
          throttled = error;
        });
    }
    expect(throttled).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(runtime.faults.counters().dynamodb.throttled[summaryTable]?.PutItem).toBe(1);
  } finally {
    client.destroy();
  }
});
