/**
 * Measures what the scaling challenge is about and prints every figure next to its target; writes
 * bench/results.json (BENCHMARKS.md explains each figure). Asserts nothing: figures depend on the machine.
 *
 *   npm run bench                               every section
 *   npm run bench -- --only cost|synth|e2e      one section (the others keep their last results)
 *   npm run bench -- --runs 5 --orders 1000
 */
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localClientConfig } from "../local/local-credentials";
import { startLocalRuntime } from "../local/local-runtime";
import { describeMachine, type MachineDescription } from "../local/machine";
import { DEFAULT_OUTDIR, PROJECT_ROOT, synthesize, synthIsStale } from "../local/synthesize";
import {
  type ProjectionSettings,
  projectionSettings,
  summaryWriterMapping,
} from "../local/terraform/projection-settings";
import { readSynthesizedStack } from "../local/terraform/terraform-document";
import { type EndToEndRow, measureEndToEnd } from "./bench/end-to-end";
import { type CostRow, type CostScenario, measureProjectionCost } from "./bench/projection-cost";
import { deriveSaturation, type SaturationRow } from "./bench/saturation";
import {
  type BundleRow,
  measureBundles,
  measureSynthesis,
  type SynthesisRow,
} from "./bench/synthesis-and-bundles";

const SECTIONS = ["cost", "synth", "e2e"] as const;
type Section = (typeof SECTIONS)[number];
const CARDINALITIES = [1, 100, 10_000];
const RESULTS_FILE = path.join(PROJECT_ROOT, "bench", "results.json");
const STACKS = ["direct-projection", "queued-projection"];
const NAIVE = "naive baseline (read-modify-write per record)";
const QUEUED_99 = "queued-projection, queue batch 99";

const USAGE = `Usage: npm run bench -- [--only ${SECTIONS.join("|")}] [--runs N] [--orders N]

  cost   summary and ledger write units per order, summary requests, invocations and handler CPU per
         record, for N orders (default 1000) over 1, 100 and 10,000 accounts, per stack and for a naive
         baseline, against the lower bound; then where each stack saturates and what happens beyond
  synth  wall time of the CDKTF app and of cdktf synth; each bundle's size and init time
  e2e    both stacks on the local runtime: orders/s and projection lag p50/p99
Time figures are medians of --runs runs (default 3).`;

export interface Target {
  figure: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
}

interface Results {
  generatedAt: string;
  commit: string;
  machine: MachineDescription & { loadAverage: number[] };
  settings?: Record<string, ProjectionSettings>;
  cost?: CostRow[];
  saturation?: SaturationRow[];
  synthesis?: SynthesisRow;
  bundles?: BundleRow[];
  endToEnd?: EndToEndRow[];
  targets: Target[];
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row, r) => {
      const line = row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join("  ");
      return r === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

function stackSettings(): Record<string, ProjectionSettings> {
  if (synthIsStale(DEFAULT_OUTDIR)) {
    console.log("synthesizing cdktf.out (missing, stale or made with other settings)...");
    synthesize(DEFAULT_OUTDIR);
  }
  return Object.fromEntries(
    STACKS.map((name) => [name, projectionSettings(readSynthesizedStack(DEFAULT_OUTDIR, name))]),
  );
}

function costScenarios(settings: Record<string, ProjectionSettings>): CostScenario[] {
  const direct = settings["direct-projection"];
  const queued = settings["queued-projection"];
  const stream = (s: ProjectionSettings) =>
    s.mappings.find((m) => m.source === "dynamodb-stream")?.batchSize ?? 1;
  return [
    {
      label: "direct-projection",
      writer: "project-summary",
      batchSize: summaryWriterMapping(direct).batchSize,
    },
    {
      label: "queued-projection",
      writer: "apply-summary",
      batchSize: summaryWriterMapping(queued).batchSize,
      forwarderBatchSize: stream(queued),
    },
    { label: QUEUED_99, writer: "apply-summary", batchSize: 99, forwarderBatchSize: stream(queued) },
    { label: NAIVE, writer: "naive", batchSize: stream(direct) },
  ];
}

function costTargets(rows: CostRow[]): Target[] {
  const targets: Target[] = [];
  for (const stack of STACKS) {
    const one = rows.find((r) => r.scenario === stack && r.accounts === 1);
    if (one) {
      targets.push({
        figure: `${stack}: summary WCU per order, 1,000 orders on 1 account`,
        value: round(one.summaryWcuPerOrder, 4),
        unit: "WCU/order",
        target: "<= 0.02",
        met: one.summaryWcuPerOrder <= 0.02,
      });
    }
    for (const row of rows.filter((r) => r.scenario === stack)) {
      targets.push({
        figure: `${stack}: summary writes / lower bound, ${row.accounts.toLocaleString("en-US")} accounts`,
        value: round(row.requestsToLowerBound, 3),
        unit: "x",
        target: "<= 1.10",
        met: row.requestsToLowerBound <= 1.1,
      });
      targets.push({
        figure: `${stack}: summary WCU / lower bound WCU, ${row.accounts.toLocaleString("en-US")} accounts`,
        value: round(row.wcuToLowerBound, 3),
        unit: "x",
        target: "<= 1.10",
        met: row.wcuToLowerBound <= 1.1,
      });
    }
  }
  return targets;
}

async function runCost(
  results: Results,
  settings: Record<string, ProjectionSettings>,
  orders: number,
  runs: number,
) {
  console.log(
    `cost: ${orders} orders over ${CARDINALITIES.join(", ")} accounts, real handlers on DynamoDB Local`,
  );
  const rows = await measureProjectionCost(costScenarios(settings), CARDINALITIES, orders, runs, console.log);
  results.cost = rows;
  results.saturation = [
    ...STACKS.flatMap((stack) => deriveSaturation(settings[stack], rows, stack)),
    ...deriveSaturation(settings["queued-projection"], rows, QUEUED_99, 99),
  ];
  results.targets = results.targets
    .filter((t) => !/: summary (WCU|writes)/.test(t.figure))
    .concat(costTargets(rows));
}

function runSynth(results: Results, runs: number) {
  console.log(`synth: ${runs} runs each of the app and cdktf synth, then the bundles`);
  const { row, outdir } = measureSynthesis(runs);
  results.synthesis = row;
  results.bundles = measureBundles(outdir, Math.max(5, runs));
  rmSync(outdir, { recursive: true, force: true });
  results.targets = results.targets
    .filter((t) => !/^(app synthesis|bundle )/.test(t.figure))
    .concat(
      {
        figure: "app synthesis (tsx main.ts)",
        value: round(row.appSeconds, 2),
        unit: "s",
        target: "<= 2",
        met: row.appSeconds <= 2,
      },
      ...results.bundles.flatMap((b): Target[] => [
        {
          figure: `bundle ${b.function}: zipped`,
          value: round(b.zippedBytes / 1024, 1),
          unit: "KB",
          target: "<= 250",
          met: b.zippedBytes <= 250 * 1024,
        },
        {
          figure: `bundle ${b.function}: init in a fresh process`,
          value: b.initMs,
          unit: "ms",
          target: "<= 150",
          met: b.initMs <= 150,
        },
      ]),
    );
}

async function runEndToEnd(results: Results, runs: number) {
  const options = { runs, orders: 300, accounts: 10 };
  console.log(
    `e2e: both stacks locally, no faults, ${runs} runs of ${options.orders} orders over ${options.accounts} accounts each`,
  );
  const runtime = await startLocalRuntime({
    stacks: STACKS,
    ports: Object.fromEntries(STACKS.map((s) => [s, 0])),
    stateDir: null,
    functionLogs: "silent",
  });
  const dynamodb = new DynamoDBClient(localClientConfig(runtime.dynamodb.endpoint));
  try {
    results.endToEnd = [];
    for (const stack of runtime.stacks)
      results.endToEnd.push(await measureEndToEnd(stack, dynamodb, options));
  } finally {
    dynamodb.destroy();
    await runtime.stop();
  }
}

function printResults(results: Results): void {
  if (results.cost) {
    console.log(
      "\nProjection cost per order (summary WCU as AWS charges it; 'local' = DynamoDB Local's ReturnConsumedCapacity)",
    );
    console.log(
      table(
        [
          "scenario",
          "accounts",
          "batch",
          "invocations",
          "summary req",
          "summary WCU",
          "local WCU",
          "summary RCU",
          "ledger WCU",
          "CPU µs/rec",
          "bound WCU",
          "req/bound",
          "WCU/bound",
          "WCU/naive",
        ],
        results.cost.map((r) => {
          const naive = results.cost?.find((n) => n.scenario === NAIVE && n.accounts === r.accounts);
          return [
            r.scenario,
            r.accounts,
            r.batchSize,
            r.invocations,
            r.summaryRequestsPerOrder.toFixed(3),
            r.summaryWcuPerOrder.toFixed(4),
            r.summaryWcuPerOrderReportedLocally.toFixed(4),
            r.summaryRcuPerOrder.toFixed(2),
            r.ledgerWcuPerOrder.toFixed(2),
            r.handlerCpuMicrosPerRecord,
            r.lowerBoundWcuPerOrder.toFixed(4),
            r.requestsToLowerBound.toFixed(2),
            r.wcuToLowerBound.toFixed(2),
            naive ? (r.summaryWcuPerOrder / naive.summaryWcuPerOrder).toFixed(3) : "-",
          ];
        }),
      ),
    );
  }
  if (results.saturation) {
    console.log(
      "\nSaturation at the synthesized capacities (derived from the measured WCU per order; overload = 2x the sustained rate for 60 s)",
    );
    console.log(
      table(
        [
          "stack",
          "accounts",
          "WCU",
          "orders/s max",
          "batch needs",
          "budget/invoke",
          "backlog",
          "drain s",
          "iter. age s",
          "first loss",
        ],
        results.saturation.map((s) => [
          s.stack,
          s.accounts,
          s.summaryWcu,
          s.sustainedOrdersPerSecond,
          s.batchNeedsWcu,
          s.invocationBudgetWcu,
          s.overload.backlogAtEnd,
          s.overload.drainSeconds,
          s.overload.iteratorAgeAtEndSeconds,
          s.overload.firstLoss,
        ]),
      ),
    );
  }
  if (results.synthesis) {
    const s = results.synthesis;
    console.log(
      `\nSynthesis (median of ${s.runs}): app ${s.appSeconds.toFixed(2)} s, cdktf synth ${s.cdktfSynthSeconds.toFixed(2)} s`,
    );
  }
  if (results.bundles) {
    console.log(
      table(
        ["bundle", "raw KB", "zipped KB", "init ms"],
        results.bundles.map((b) => [
          b.function,
          (b.rawBytes / 1024).toFixed(1),
          (b.zippedBytes / 1024).toFixed(1),
          b.initMs,
        ]),
      ),
    );
  }
  if (results.endToEnd) {
    console.log("\nLocal end to end (no faults, no throttling)");
    console.log(
      table(
        ["stack", "orders/s", "lag p50 ms", "lag p99 ms", "converged s after last"],
        results.endToEnd.map((e) => [
          e.stack,
          e.ordersPerSecond,
          e.lagP50Ms,
          e.lagP99Ms,
          e.convergeSecondsAfterLastOrder,
        ]),
      ),
    );
  }
  console.log("\nTargets");
  console.log(
    table(
      ["figure", "value", "target", "met"],
      results.targets.map((t) => [
        t.figure,
        `${t.value} ${t.unit}`,
        `${t.target} ${t.unit}`,
        t.met ? "yes" : "NO",
      ]),
    ),
  );
}

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return Number(text);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      orders: { type: "string" },
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
  const runs = positive(values.runs, "--runs", 3);
  const orders = positive(values.orders, "--orders", 1000);
  const sections = values.only ? [values.only as Section] : [...SECTIONS];
  const previous: Partial<Results> = existsSync(RESULTS_FILE)
    ? JSON.parse(readFileSync(RESULTS_FILE, "utf8"))
    : {};
  const results: Results = {
    ...previous,
    generatedAt: new Date().toISOString(),
    commit: execSync("git rev-parse --short HEAD", { cwd: PROJECT_ROOT, encoding: "utf8" }).trim(),
    machine: { ...describeMachine(), loadAverage: [] },
    targets: previous.targets ?? [],
  };
  const settings = stackSettings();
  results.settings = settings;
  const loads: number[][] = [];
  const { loadavg } = await import("node:os");
  for (const section of sections) {
    loads.push(loadavg());
    if (section === "cost") await runCost(results, settings, orders, runs);
    if (section === "synth") runSynth(results, runs);
    if (section === "e2e") await runEndToEnd(results, runs);
  }
  loads.push(loadavg());
  results.machine.loadAverage = loads.map((l) => round(l[0], 1));
  printResults(results);
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(PROJECT_ROOT, RESULTS_FILE)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
