import { type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import type { RunningStack } from "../../emulator/stack-runtime";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import { OUTPUTS } from "../../stacks/outputs";
import { planTraffic, sendTraffic, TrafficLog } from "../demo/traffic";
import { apiTargetOf } from "../load/api-client";
import { median, percentile } from "./statistics";

export interface EndToEndRow {
  stack: string;
  runs: number;
  ordersPerRun: number;
  accounts: number;
  /** Median over the runs of accepted orders / seconds to send them. */
  ordersPerSecond: number;
  /** Accepted -> reflected in the summary, every order of every run, milliseconds. */
  lagP50Ms: number;
  lagP99Ms: number;
  /** Median over the runs of the time from the last accepted order until the summary held every order. */
  convergeSecondsAfterLastOrder: number;
}

const POLL_MS = 100;

async function orderCounts(
  dynamodb: DynamoDBClient,
  table: string,
  prefix: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) {
    for (const item of page.Items ?? []) {
      const account = item[SUMMARY.accountId]?.S ?? "";
      if (account.startsWith(prefix)) counts.set(account, Number(item[SUMMARY.orderCount]?.N ?? 0));
    }
  }
  return counts;
}

/**
 * One run: `orders` distinct orders over `accounts` accounts, sent with 8 requests in flight; the
 * summary table is read every 100 ms. An order is reflected once its account's order_count reaches its
 * rank among that account's accepted orders.
 */
async function oneRun(
  stack: RunningStack,
  dynamodb: DynamoDBClient,
  runId: string,
  orders: number,
  accounts: number,
): Promise<{ ordersPerSecond: number; lagsMs: number[]; convergeSeconds: number }> {
  const plan = planTraffic({ runId, burst: orders, rate: 1, duration: 0, accounts, seed: 11 });
  const log = new TrafficLog();
  const table = stack.outputs[OUTPUTS.summaryTableName] as string;
  const reflectedAt = new Map<string, number[]>();
  const started = Date.now();
  let sending = true;
  const traffic = sendTraffic(apiTargetOf(stack), plan, log, 8).finally(() => {
    sending = false;
  });
  for (;;) {
    const counts = await orderCounts(dynamodb, table, `${runId}-`);
    const now = Date.now();
    let projected = 0;
    for (const [account, count] of counts) {
      const times = reflectedAt.get(account) ?? [];
      while (times.length < count) times.push(now);
      reflectedAt.set(account, times);
      projected += count;
    }
    if (!sending && projected >= log.accepted) break;
    if (now - started > 300_000) throw new Error(`${stack.name}: not converged after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await traffic;
  const rank = new Map<string, number>();
  const lagsMs = log.acceptedOrders.map((order, index) => {
    const k = rank.get(order.accountid) ?? 0;
    rank.set(order.accountid, k + 1);
    return (reflectedAt.get(order.accountid)?.[k] ?? Number.NaN) - log.acceptedAtMs[index];
  });
  const sendSeconds = ((log.finishedAtMs ?? Date.now()) - started) / 1000;
  const lastReflected = Math.max(...[...reflectedAt.values()].flat());
  return {
    ordersPerSecond: log.accepted / sendSeconds,
    lagsMs,
    convergeSeconds: Math.max(0, lastReflected - (log.finishedAtMs ?? started)) / 1000,
  };
}

export async function measureEndToEnd(
  stack: RunningStack,
  dynamodb: DynamoDBClient,
  options: { runs: number; orders: number; accounts: number },
): Promise<EndToEndRow> {
  const rates: number[] = [];
  const converge: number[] = [];
  const lags: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const result = await oneRun(stack, dynamodb, `bench-e2e-${run}`, options.orders, options.accounts);
    rates.push(result.ordersPerSecond);
    converge.push(result.convergeSeconds);
    lags.push(...result.lagsMs);
  }
  return {
    stack: stack.name,
    runs: options.runs,
    ordersPerRun: options.orders,
    accounts: options.accounts,
    ordersPerSecond: Math.round(median(rates)),
    lagP50Ms: Math.round(percentile(lags, 50)),
    lagP99Ms: Math.round(percentile(lags, 99)),
    convergeSecondsAfterLastOrder: Math.round(median(converge) * 10) / 10,
  };
}
