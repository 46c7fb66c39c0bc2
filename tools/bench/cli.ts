/**
 * Measures what the scaling challenge is about and prints every figure next to its target; writes
 * tools/bench/results.json (docs/benchmarks.md explains each figure). Asserts nothing: figures depend on the machine.
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
import { type Prices, readPrices } from "../../emulator/cost/charges";
import { localClientConfig } from "../../emulator/local-credentials";
import { readSynthesizedStack } from "../../emulator/terraform/terraform-document";
import { DIRECT_STACK_NAME } from "../../stacks/direct-projection-stack";
import { PROJECTION_STACK_NAMES } from "../../stacks/projections";
import { QUEUED_STACK_NAME } from "../../stacks/queued-projection-stack";
import { startLocalRuntime } from "../local/local-runtime";
import { positiveInteger } from "../shared/cli-options";
import { describeMachine, type MachineDescription } from "../shared/machine";
import {
  projectionSettings,
  type SynthesizedProjectionSettings,
  summaryWriterMapping,
} from "../shared/projection-settings";
import { DEFAULT_OUTDIR, PROJECT_ROOT, synthesize, synthIsStale } from "../shared/synthesize";
import { BASELINES, type Baseline } from "./baseline-handlers";
import { type EndToEndRow, measureEndToEnd } from "./end-to-end";
import { PRICES_FILE } from "./prices";
import { deriveSaturation, type SaturationRow } from "./saturation";
import { type BundleRow, measureBundles, measureSynthesis, type SynthesisRow } from "./synthesis-and-bundles";
import {
  type CostRow,
  type CostScenario,
  measureRun,
  startEmulators,
  WORKLOADS,
  type WorkloadName,
  workloadOf,
  ZIPF_ACCOUNTS,
  ZIPF_EXPONENT,
} from "./whole-bill";

const SECTIONS = ["cost", "synth", "e2e"] as const;
type Section = (typeof SECTIONS)[number];
const RESULTS_FILE = path.join(__dirname, "results.json");
const DIRECT = DIRECT_STACK_NAME;
const QUEUED = QUEUED_STACK_NAME;
const STACKS = PROJECTION_STACK_NAMES;
const PER_BATCH_ADD: Baseline = "baseline-per-batch-add";
/** Today's sustainable orders/s at 10,000 accounts, default capacities, before the exactly-once rewrite. */
const SATURATION_BEFORE: Record<string, number> = { [DIRECT]: 1.0, [QUEUED]: 2.5 };

const USAGE = `Usage: npm run bench -- [--only ${SECTIONS.join("|")}] [--runs N] [--orders N] [--rate R] [--workloads ${WORKLOADS.join(",")}]

  cost   the whole bill per order (write units of every table, read units, SQS requests, Lambda
         invocations and GB-seconds, dollars per million orders) for N orders (default 1000) arriving
         at R orders/s (default 100) over 1, 100, 10,000 accounts and a Zipf mix, for both stacks (at
         their defaults and at equal batch sizes) and three baselines; then where each stack saturates
  synth  wall time of the CDKTF app and of cdktf synth; each bundle's size and init time
  e2e    both stacks on the local runtime: orders/s and projection lag p50/p99
Time figures are medians of --runs runs (default 3).`;

export interface Target {
  figure: string;
  value: number | string;
  unit: string;
  target: string;
  met: boolean;
}

interface Results {
  generatedAt: string;
  commit: string;
  machine: MachineDescription & { loadAverage: number[] };
  settings?: Record<string, SynthesizedProjectionSettings>;
  prices?: Prices;
  cost?: CostRow[];
  saturation?: SaturationRow[];
  synthesis?: SynthesisRow;
  bundles?: BundleRow[];
  endToEnd?: EndToEndRow[];
  targets: Target[];
  timings?: Record<string, number>;
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

function stackSettings(): Record<string, SynthesizedProjectionSettings> {
  if (synthIsStale(DEFAULT_OUTDIR)) {
    console.log("synthesizing cdktf.out (missing, stale or made with other settings)...");
    synthesize(DEFAULT_OUTDIR);
  }
  return Object.fromEntries(
    STACKS.map((name) => [name, projectionSettings(readSynthesizedStack(DEFAULT_OUTDIR, name))]),
  );
}

/** Memory (MB) of the stack's summary-writing function, as synthesized. */
function summaryWriterMemoryMb(stack: string): number {
  const document = readSynthesizedStack(DEFAULT_OUTDIR, stack).document;
  const name = summaryWriterMapping(
    projectionSettings(readSynthesizedStack(DEFAULT_OUTDIR, stack)),
  ).functionName;
  const fn = Object.values(document.resource?.aws_lambda_function ?? {}).find(
    (config) => String(config.function_name).endsWith(name) || config.function_name === name,
  );
  return Number(fn?.memory_size ?? 128);
}

/**
 * The longest span of records one summary write can merge: the longest batching window on the way. On
 * queued-projection, the forwarder's stream window packs records into one message, the queue's window
 * gathers messages; whichever is longer bounds how many seconds of an account's records meet in one write.
 */
function mergingWindowSeconds(settings: SynthesizedProjectionSettings): number {
  return Math.max(...settings.mappings.map((mapping) => mapping.batchingWindowSeconds));
}

/**
 * Both stacks at their defaults; three baselines on the direct stack's stream batching; then the stack
 * whose summary writer takes the smaller batch again at the other's batch size and the longer
 * merging window of the two (rows with default: false).
 */
function costScenarios(settings: Record<string, SynthesizedProjectionSettings>): CostScenario[] {
  const synthesized = (name: string) => readSynthesizedStack(DEFAULT_OUTDIR, name);
  const none = { "dynamodb-stream": undefined, sqs: undefined };
  const scenarios: CostScenario[] = [
    ...STACKS.map((stack) => ({
      stack,
      synthesized: synthesized(stack),
      settings: settings[stack],
      batching: none,
      isDefault: true,
    })),
    ...BASELINES.map((baseline) => ({
      stack: baseline,
      synthesized: synthesized(DIRECT),
      settings: settings[DIRECT],
      baseline,
      batching: none,
      isDefault: true,
    })),
  ];
  const direct = summaryWriterMapping(settings[DIRECT]);
  const queued = summaryWriterMapping(settings[QUEUED]);
  const equal = Math.max(direct.batchSize, queued.batchSize);
  if (queued.batchSize < equal) {
    // SQS needs a batching window of at least 1 s for batches above 10.
    const windowSeconds =
      equal > 10 ? Math.max(1, queued.batchingWindowSeconds) : queued.batchingWindowSeconds;
    scenarios.push({
      stack: QUEUED,
      synthesized: synthesized(QUEUED),
      settings: settings[QUEUED],
      batching: { "dynamodb-stream": undefined, sqs: { batchSize: equal, windowSeconds } },
      isDefault: false,
    });
  }
  if (direct.batchSize < equal) {
    scenarios.push({
      stack: DIRECT,
      synthesized: synthesized(DIRECT),
      settings: settings[DIRECT],
      batching: {
        sqs: undefined,
        "dynamodb-stream": {
          batchSize: equal,
          windowSeconds: Math.max(direct.batchingWindowSeconds, mergingWindowSeconds(settings[QUEUED])),
        },
      },
      isDefault: false,
    });
  }
  return scenarios;
}

const COST_FIGURES = [
  ["totalWriteUnitsPerOrder", "total WU"],
  ["summaryWriteUnitsPerOrder", "summary WU"],
  ["readUnitsPerOrder", "RU"],
  ["sqsRequestsPerOrder", "SQS requests"],
] as const;

/** A figure whose target is an upper bound: the bound is written once, for the text and the verdict. */
function atMost(figure: string, measured: number, unit: string, limit: number): Target {
  return { figure, value: round(measured), unit, target: `<= ${limit}`, met: measured <= limit };
}

function costTargets(rows: CostRow[], saturation: SaturationRow[]): Target[] {
  const targets: Target[] = [];
  const at = (stack: string, workload: string) =>
    rows.find((r) => r.stack === stack && r.workload === workload && r.default === undefined);
  for (const stack of STACKS) {
    for (const workload of ["100", "10000"]) {
      const row = at(stack, workload);
      if (!row) continue;
      const ratio = row.totalWriteUnitsPerOrder / row.lowerBoundWriteUnitsPerOrder;
      targets.push(
        atMost(
          `${stack}: total WU/order ÷ per-batch ADD's, ${Number(workload).toLocaleString("en-US")} accounts`,
          ratio,
          "x",
          1.1,
        ),
      );
    }
    const one = at(stack, "1");
    if (one) {
      targets.push(
        atMost(`${stack}: total WU/order, 1 account`, one.totalWriteUnitsPerOrder, "WU/order", 1.2),
      );
    }
  }
  for (const workload of WORKLOADS) {
    const direct = at(DIRECT, workload);
    const queued = at(QUEUED, workload);
    if (!direct || !queued) continue;
    // direct-projection makes no SQS request: queued's count through their dollars (and the 1-account target).
    const worse = [
      ...COST_FIGURES.filter(
        ([field]) => field !== "sqsRequestsPerOrder" && queued[field] > direct[field],
      ).map(([, label]) => label),
      ...(queued.detail.lambdaGbSecondsPerOrder > direct.detail.lambdaGbSecondsPerOrder ? ["GB-s"] : []),
      ...(["onDemand", "provisioned"] as const)
        .filter((kind) => queued.dollarsPerMillionOrders[kind] > direct.dollarsPerMillionOrders[kind])
        .map((kind) => `$ ${kind}`),
    ];
    targets.push({
      figure: `queued <= direct on every cost figure, workload ${workload}`,
      value: worse.length === 0 ? "all" : `worse: ${worse.join(", ")}`,
      unit: "",
      target: "all",
      met: worse.length === 0,
    });
  }
  const queuedOne = at(QUEUED, "1");
  if (queuedOne) {
    targets.push(
      atMost(`${QUEUED}: SQS requests/order, 1 account`, queuedOne.sqsRequestsPerOrder, "req/order", 0.02),
    );
  }
  for (const stack of STACKS) {
    const s = saturation.find((row) => row.stack === stack && row.workload === "10000");
    if (!s || SATURATION_BEFORE[stack] === undefined) continue;
    const goal = 2 * SATURATION_BEFORE[stack];
    targets.push({
      figure: `${stack}: sustainable orders/s, 10,000 accounts, default capacity (derived)`,
      value: s.sustainedOrdersPerSecond,
      unit: "orders/s",
      target: `>= ${goal}`,
      met: s.sustainedOrdersPerSecond >= goal,
    });
  }
  return targets;
}

async function runCost(
  results: Results,
  settings: Record<string, SynthesizedProjectionSettings>,
  orders: number,
  rate: number,
  workloads: readonly WorkloadName[],
) {
  const prices = readPrices(PRICES_FILE);
  const scenarios = costScenarios(settings);
  console.log(
    `cost: ${orders} orders at ${rate}/s over workloads ${workloads.join(", ")} (zipf: ${ZIPF_ACCOUNTS.toLocaleString("en-US")} accounts, exponent ${ZIPF_EXPONENT}); ` +
      `${scenarios.length} scenarios, real API, stream, functions and queue on DynamoDB Local and the SQS emulator`,
  );
  const emulators = await startEmulators(prices);
  const rows: CostRow[] = [];
  try {
    for (const name of workloads) {
      const workload = workloadOf(name);
      const measured = [];
      for (const scenario of scenarios) {
        const row = await measureRun(scenario, workload, emulators, {
          orders,
          rate,
          prices,
          log: console.log,
        });
        measured.push(row);
        console.log(
          `  ${row.stack.padEnd(28)} ${name.padStart(5)} ${String(row.batchSize).padStart(4)}: ${row.totalWriteUnitsPerOrder} WU/order ` +
            `(summary ${row.summaryWriteUnitsPerOrder}), ${row.sqsRequestsPerOrder} SQS req/order, exact ${row.exact}, ${row.detail.wallSeconds} s`,
        );
      }
      const bound = measured.find((r) => r.stack === PER_BATCH_ADD)?.totalWriteUnitsPerOrder ?? Number.NaN;
      rows.push(...measured.map((row) => ({ ...row, lowerBoundWriteUnitsPerOrder: bound })));
    }
  } finally {
    await emulators.stop();
  }
  results.prices = prices;
  results.cost = rows;
  results.saturation = STACKS.flatMap((stack) =>
    deriveSaturation(settings[stack], rows, stack, summaryWriterMemoryMb(stack)),
  );
  results.targets = results.targets
    .filter((t) => !/(WU|SQS|queued <= direct|sustainable|summary WCU|summary writes)/.test(t.figure))
    .concat(costTargets(rows, results.saturation));
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
    const prices = results.prices;
    console.log(
      `\nWhole bill per order, as AWS charges it (prices: ${prices?.region}, checked ${prices?.checked}; tools/bench/prices.json). ` +
        "'local WU' = DynamoDB Local's own ReturnConsumedCapacity for the same requests; bound = baseline-per-batch-add's total WU",
    );
    console.log(
      table(
        [
          "stack",
          "workload",
          "batch",
          "total WU",
          "local WU",
          "summary WU",
          "RU",
          "SQS req",
          "empty recv",
          "invocations",
          "GB-s/order",
          "$/M on-demand",
          "$/M provisioned",
          "bound WU",
          "WU/bound",
          "exact",
        ],
        results.cost.map((r) => [
          `${r.stack}${r.default === false ? " (not default)" : ""}`,
          r.workload,
          r.batchSize,
          r.totalWriteUnitsPerOrder.toFixed(4),
          r.detail.localReportedWriteUnitsPerOrder.toFixed(4),
          r.summaryWriteUnitsPerOrder.toFixed(4),
          r.readUnitsPerOrder.toFixed(4),
          r.sqsRequestsPerOrder.toFixed(4),
          r.detail.emptyReceives,
          Object.values(r.detail.lambdaInvocations).reduce((a, b) => a + b, 0),
          r.detail.lambdaGbSecondsPerOrder.toPrecision(3),
          r.dollarsPerMillionOrders.onDemand.toFixed(3),
          r.dollarsPerMillionOrders.provisioned.toFixed(3),
          r.lowerBoundWriteUnitsPerOrder.toFixed(4),
          (r.totalWriteUnitsPerOrder / r.lowerBoundWriteUnitsPerOrder).toFixed(2),
          r.exact ? "yes" : "NO",
        ]),
      ),
    );
  }
  if (results.saturation) {
    console.log(
      "\nSaturation at the synthesized capacities (derived from the measured summary WU per order; overload = 2x the sustained rate for 60 s)",
    );
    console.log(
      table(
        [
          "stack",
          "workload",
          "WCU",
          "orders/s max",
          "batch needs",
          "budget/invoke",
          "waiting GB-s/order",
          "backlog",
          "drain s",
          "iter. age s",
          "first loss",
        ],
        results.saturation.map((s) => [
          s.stack,
          s.workload,
          s.summaryWcu,
          s.sustainedOrdersPerSecond,
          s.batchNeedsWcu,
          s.invocationBudgetWcu,
          s.waitingGbSecondsPerOrder,
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
        `${t.value} ${t.unit}`.trim(),
        `${t.target} ${t.unit}`.trim(),
        t.met ? "yes" : "NO",
      ]),
    ),
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      orders: { type: "string" },
      rate: { type: "string" },
      workloads: { type: "string" },
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
  const runs = positiveInteger(values.runs, "--runs", 3);
  const orders = positiveInteger(values.orders, "--orders", 1000);
  const rate = positiveInteger(values.rate, "--rate", 100);
  const workloads = (values.workloads?.split(",") ?? [...WORKLOADS]) as WorkloadName[];
  for (const w of workloads) {
    if (!WORKLOADS.includes(w)) throw new Error(`--workloads takes ${WORKLOADS.join(",")}, got "${w}"`);
  }
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
  results.timings = { ...(previous.timings ?? {}) };
  for (const section of sections) {
    loads.push(loadavg());
    const began = Date.now();
    if (section === "cost") await runCost(results, settings, orders, rate, workloads);
    if (section === "synth") runSynth(results, runs);
    if (section === "e2e") await runEndToEnd(results, runs);
    results.timings[`${section}Seconds`] = Math.round((Date.now() - began) / 1000);
    console.log(`${section}: ${results.timings[`${section}Seconds`]} s`);
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
