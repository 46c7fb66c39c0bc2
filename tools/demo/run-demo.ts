import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { readPrices } from "../../emulator/cost/charges";
import { localClientConfig } from "../../emulator/local-credentials";
import { OUTPUTS } from "../../stacks/outputs";
import { PROJECTION_STACK_NAMES } from "../../stacks/projections";
import { PRICES_FILE } from "../bench/prices";
import { type ApiTarget, apiTargetOf, getSummary } from "../load/api-client";
import { expectedSummaries } from "../load/orders";
import { summaryIsExact } from "../load/run-load";
import { startLocalRuntime } from "../local/local-runtime";
import { DEFAULT_STATE_DIR } from "../shared/endpoints-file";
import { describeMachine, type MachineDescription } from "../shared/machine";
import { projectionSettings, type SynthesizedProjectionSettings } from "../shared/projection-settings";
import { functionMemory, StackBill, type StackCost } from "../shared/stack-bill";
import { type StackSample, StackSampler } from "./sampler";
import { planTraffic, sendTraffic, TrafficLog } from "./traffic";

export interface DemoOptions {
  burst: number;
  rate: number;
  duration: number;
  accounts: number;
  concurrency: number;
  timeoutSeconds: number;
  /** CQRS_* settings of the stacks synthesized for the demo. */
  settings: Record<string, string>;
  seed?: number;
  /** Where the demo's stacks are synthesized (kept between runs; re-synthesized when stale). */
  outdir?: string;
  /** Called after every round of samples, with the latest sample per stack. */
  onSample?: (latest: Record<string, StackSample>) => void;
  log?: (line: string) => void;
}

export interface StackOutcome {
  accepted: number;
  rejected: number;
  accounts: number;
  exactAccounts: number;
  /** Seconds since the traffic started when the summary first reflected every accepted order and no queue held anything; null if it never did. */
  convergedAtSeconds: number | null;
  /** Seconds since the traffic started when the last order was accepted. */
  lastOrderAtSeconds: number;
  peakLag: number;
  peakIteratorAgeSeconds: number;
  peakQueueDepth: number;
  summaryWrites: number;
  throttledSummaryWrites: number;
  consumedSummaryWcu: number;
  invocations: number;
  errors: number;
  retries: number;
  failureQueueMessages: number;
  dlqDepth: number;
  /** Every accepted order is in its account's summary, exactly, and no failure queue holds anything. */
  lostNothing: boolean;
  /** What the stack spent per accepted order, as AWS bills it (every table, queue and function). */
  cost?: StackCost;
}

export interface StackRecording {
  name: string;
  settings: SynthesizedProjectionSettings;
  samples: StackSample[];
  outcome: StackOutcome;
}

export interface DemoRecording {
  runId: string;
  startedAt: string;
  machine: MachineDescription;
  workload: Pick<DemoOptions, "burst" | "rate" | "duration" | "accounts" | "concurrency">;
  stacks: StackRecording[];
}

export const DEMO_OUTDIR = path.join(DEFAULT_STATE_DIR, "demo-cdktf.out");
const STACKS = PROJECTION_STACK_NAMES;

const converged = (sample: StackSample, trafficDone: boolean) =>
  trafficDone && sample.lag === 0 && (sample.queueDepth ?? 0) === 0;

/**
 * Both stacks locally with the summary tables throttled at their synthesized write capacity (and no
 * other fault), the same orders sent to both APIs, one sample per stack per second until both converge.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRecording> {
  const log = options.log ?? (() => {});
  const runId = `demo-${randomBytes(3).toString("hex")}`;
  const outdir = options.outdir ?? DEMO_OUTDIR;
  mkdirSync(path.dirname(outdir), { recursive: true });
  const prices = readPrices(PRICES_FILE);
  const runtime = await startLocalRuntime({
    metering: prices,
    outdir,
    synthEnvironment: options.settings,
    stacks: STACKS,
    ports: Object.fromEntries(STACKS.map((name) => [name, 0])),
    stateDir: null,
    faults: { throttle: true },
    functionLogs: "silent",
    log,
  });
  const clients = {
    dynamodb: new DynamoDBClient(localClientConfig(runtime.dynamodb.endpoint)),
    sqs: new SQSClient(localClientConfig(runtime.sqs.endpoint)),
  };
  const bills = new Map(
    runtime.stacks.map((stack) => [
      stack.name,
      new StackBill(stack.functions.values(), functionMemory(stack.model), {
        tables: stack.tables.map((table) => table.name),
        summaryTable: String(stack.outputs[OUTPUTS.summaryTableName]),
        queues: stack.queues.map((queue) => queue.name),
      }),
    ]),
  );
  try {
    const plan = planTraffic({ ...options, runId, seed: options.seed ?? Date.now() % 2 ** 31 });
    runtime.metering?.reset();
    const startedAtMs = Date.now();
    const logs = new Map(runtime.stacks.map((stack) => [stack.name, new TrafficLog()]));
    const samplers = runtime.stacks.map(
      (stack) =>
        new StackSampler(
          stack,
          logs.get(stack.name) as TrafficLog,
          clients,
          (tables) => runtime.capacityProxy.counters(tables),
          runId,
          startedAtMs,
        ),
    );
    const samples = new Map<string, StackSample[]>(runtime.stacks.map((stack) => [stack.name, []]));
    let trafficDone = false;
    const traffic = Promise.all(
      runtime.stacks.map((stack) =>
        sendTraffic(apiTargetOf(stack), plan, logs.get(stack.name) as TrafficLog, options.concurrency),
      ),
    ).then(() => {
      trafficDone = true;
    });
    let trafficError: unknown;
    traffic.catch((error: unknown) => {
      trafficError = error;
    });

    let deadline = Number.POSITIVE_INFINITY;
    let settledRounds = 0;
    for (let tick = 1; ; tick++) {
      const latest = await Promise.all(samplers.map((sampler) => sampler.sample()));
      if (trafficError) throw trafficError;
      const done = trafficDone;
      for (const [index, sample] of latest.entries()) samples.get(samplers[index].stack.name)?.push(sample);
      options.onSample?.(Object.fromEntries(latest.map((s, i) => [samplers[i].stack.name, s])));
      if (done && deadline === Number.POSITIVE_INFINITY)
        deadline = Date.now() + options.timeoutSeconds * 1000;
      settledRounds = latest.every((sample) => converged(sample, done)) ? settledRounds + 1 : 0;
      // Two more seconds once both are quiet: the tail shows the lines staying flat.
      if (settledRounds >= 3 || Date.now() > deadline) break;
      const wait = startedAtMs + tick * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await traffic;

    const meters = runtime.metering?.meters();
    const stacks: StackRecording[] = [];
    for (const stack of runtime.stacks) {
      const own = samples.get(stack.name) ?? [];
      const trafficLog = logs.get(stack.name) as TrafficLog;
      const outcome = await outcomeOf(apiTargetOf(stack), own, trafficLog, plan.accounts, startedAtMs);
      const bill = bills.get(stack.name);
      if (meters && bill) outcome.cost = bill.cost(meters, trafficLog.accepted, prices);
      stacks.push({
        name: stack.name,
        settings: projectionSettings(stack.model.stack),
        samples: own,
        outcome,
      });
    }
    return {
      runId,
      startedAt: new Date(startedAtMs).toISOString(),
      machine: describeMachine(),
      workload: {
        burst: options.burst,
        rate: options.rate,
        duration: options.duration,
        accounts: options.accounts,
        concurrency: options.concurrency,
      },
      stacks,
    };
  } finally {
    for (const bill of bills.values()) bill.stop();
    clients.dynamodb.destroy();
    clients.sqs.destroy();
    await runtime.stop();
  }
}

async function outcomeOf(
  target: ApiTarget,
  samples: StackSample[],
  traffic: TrafficLog,
  accounts: string[],
  startedAtMs: number,
): Promise<StackOutcome> {
  const last = samples[samples.length - 1];
  const expected = expectedSummaries(traffic.acceptedOrders, accounts);
  let exactAccounts = 0;
  for (const account of expected) {
    if (summaryIsExact(account, await getSummary(target, account.accountId))) exactAccounts += 1;
  }
  const firstConverged = samples.find((_, index) =>
    samples
      .slice(index)
      .every((later) => later.lag === 0 && (later.queueDepth ?? 0) === 0 && later.sent === last?.sent),
  );
  const peak = (pick: (sample: StackSample) => number) => Math.max(0, ...samples.map(pick));
  const failureQueueMessages = last?.failureQueueMessages ?? 0;
  const dlqDepth = last?.dlqDepth ?? 0;
  return {
    accepted: traffic.accepted,
    rejected: traffic.rejected.length,
    accounts: accounts.length,
    exactAccounts,
    convergedAtSeconds: last && last.lag === 0 && firstConverged ? firstConverged.t : null,
    lastOrderAtSeconds: Math.round(((traffic.finishedAtMs ?? startedAtMs) - startedAtMs) / 100) / 10,
    peakLag: peak((s) => s.lag),
    peakIteratorAgeSeconds: peak((s) => s.iteratorAgeSeconds),
    peakQueueDepth: peak((s) => s.queueDepth ?? 0),
    summaryWrites: last?.summaryWrites ?? 0,
    throttledSummaryWrites: last?.throttledSummaryWrites ?? 0,
    consumedSummaryWcu: last?.consumedSummaryWcu ?? 0,
    invocations: Object.values(last?.invocations ?? {}).reduce((sum, n) => sum + n, 0),
    errors: last?.errors ?? 0,
    retries: last?.retries ?? 0,
    failureQueueMessages,
    dlqDepth,
    lostNothing:
      traffic.rejected.length === 0 &&
      exactAccounts === accounts.length &&
      failureQueueMessages === 0 &&
      dlqDepth === 0,
  };
}
