import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { FaultCounters, FaultSettings } from "../../emulator/faults";
import { localClientConfig } from "../../emulator/local-credentials";
import type { RunningStack } from "../../emulator/stack-runtime";
import { OUTPUTS } from "../../stacks/outputs";
import { PROJECTION_STACK_NAMES } from "../../stacks/projections";
import { apiTargetOf } from "../load/api-client";
import { startLocalRuntime } from "../local/local-runtime";
import { reconcile } from "../reconcile";
import {
  type CheckClients,
  type CheckResult,
  checkFailureDestinations,
  checkHotAccountsSpilled,
  checkNoLostOrders,
  checkSummariesOverApi,
} from "./checks";
import { waitForQuiescence } from "./quiescence";
import { runWorkload, type WorkloadOptions, type WorkloadResult } from "./workload";

export interface VerificationOptions extends Omit<WorkloadOptions, "runId"> {
  faults: FaultSettings;
  /** CQRS_* settings of the stacks synthesized for the run. */
  settings: Record<string, string>;
  stacks?: string[];
  quiescenceTimeoutSeconds: number;
  log?: (line: string) => void;
}

export interface StackVerification {
  stack: string;
  workload: WorkloadResult;
  sendSeconds: number;
  quiescenceSeconds: number;
  faults: FaultCounters;
  summaryTable: string;
  /** Writes the functions made to the summary table (about one conditional write per account per batch). */
  summaryWrites: number;
  summaryWriteCapacity: number;
  throttledSummaryWrites: number;
  checks: CheckResult[];
}

export interface VerificationReport {
  runId: string;
  seed: number;
  stacks: StackVerification[];
  ok: boolean;
}

const sum = (counts: Record<string, number> | undefined) =>
  Object.values(counts ?? {}).reduce((total, n) => total + n, 0);

async function reconcileCheck(
  stack: RunningStack,
  workload: WorkloadResult,
  clients: CheckClients,
): Promise<CheckResult> {
  const report = await reconcile({
    dynamodb: clients.dynamodb,
    detailsTable: stack.outputs[OUTPUTS.detailsTableName] as string,
    summaryTable: stack.outputs[OUTPUTS.summaryTableName] as string,
  });
  const ours = new Set([...workload.accounts, ...workload.poison.map((p) => p.accountid)]);
  const drifts = report.drifts.filter((d) => ours.has(d.accountId));
  const unprojectable = report.unprojectable.filter((u) => ours.has(u.accountId));
  const poisonOk =
    unprojectable.length === workload.poison.length &&
    workload.poison.every((p) =>
      unprojectable.some((u) => u.accountId === p.accountid && u.vendorId === p.vendorid),
    );
  return {
    name: "reconciliation: zero drift, only the unprocessable records left out",
    ok: drifts.length === 0 && poisonOk,
    detail:
      `${drifts.length} drifting accounts${drifts.length ? ` (${drifts.map((d) => d.accountId).join(", ")})` : ""}; ` +
      `${unprojectable.length} unprojectable items (${workload.poison.length} made on purpose)`,
  };
}

/**
 * Both stacks on the local runtime with the given faults: a workload of orders, overwrites, deletes and
 * unprocessable records, then quiescence, then every check. Nothing here retries a check.
 */
export async function runVerification(options: VerificationOptions): Promise<VerificationReport> {
  const log = options.log ?? (() => {});
  const runId = `verify-${Date.now().toString(36)}`;
  const outdir = mkdtempSync(path.join(tmpdir(), "cqrs-verify-"));
  log(
    `synthesizing with ${Object.entries(options.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
  const runtime = await startLocalRuntime({
    outdir,
    synthEnvironment: options.settings,
    stacks: options.stacks,
    ports: Object.fromEntries((options.stacks ?? PROJECTION_STACK_NAMES).map((s) => [s, 0])),
    stateDir: null,
    faults: options.faults,
    functionLogs: "silent",
  });
  const clients: CheckClients = {
    dynamodb: new DynamoDBClient(localClientConfig(runtime.dynamodb.endpoint)),
    streams: new DynamoDBStreamsClient(localClientConfig(runtime.dynamodb.endpoint)),
    sqs: new SQSClient(localClientConfig(runtime.sqs.endpoint)),
  };
  try {
    const results = await Promise.all(
      runtime.stacks.map(async (stack, index): Promise<StackVerification> => {
        const started = Date.now();
        log(`${stack.name}: sending ${options.orders} orders over ${options.accounts} accounts`);
        const workload = await runWorkload(
          {
            ...apiTargetOf(stack),
            dynamodb: clients.dynamodb,
            detailsTable: stack.outputs[OUTPUTS.detailsTableName] as string,
          },
          { ...options, runId: `${runId}-${index + 1}` },
        );
        const sendSeconds = (Date.now() - started) / 1000;
        log(`${stack.name}: sent in ${sendSeconds.toFixed(1)} s; waiting for quiescence`);
        const quiescenceSeconds = await waitForQuiescence(stack, options.quiescenceTimeoutSeconds * 1000);
        log(`${stack.name}: quiet after ${quiescenceSeconds.toFixed(1)} s; checking`);
        const checks = [
          await checkSummariesOverApi(stack, workload),
          await checkNoLostOrders(stack, workload, clients),
          await reconcileCheck(stack, workload, clients),
          ...(await checkFailureDestinations(stack, workload, clients)),
          ...(options.hotAccounts
            ? [await checkHotAccountsSpilled(stack, workload, clients, options.hotAccounts.count)]
            : []),
        ];
        const faults = stack.faultCounters();
        const summaryTable = stack.outputs[OUTPUTS.summaryTableName] as string;
        return {
          stack: stack.name,
          workload,
          sendSeconds,
          quiescenceSeconds,
          faults,
          summaryTable,
          summaryWrites: sum(faults.dynamodb.writes[summaryTable]),
          summaryWriteCapacity: faults.dynamodb.consumedWriteCapacity[summaryTable] ?? 0,
          throttledSummaryWrites: sum(faults.dynamodb.throttled[summaryTable]),
          checks,
        };
      }),
    );
    return {
      runId,
      seed: runtime.faults.seed,
      stacks: results,
      ok: results.every((r) => r.workload.rejected.length === 0 && r.checks.every((c) => c.ok)),
    };
  } finally {
    clients.dynamodb.destroy();
    clients.streams.destroy();
    clients.sqs.destroy();
    await runtime.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
}
