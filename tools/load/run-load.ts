import { randomBytes } from "node:crypto";
import type { AccountSummary } from "../../functions/domain/types";
import { type ApiTarget, getSummary, postOrder, type SummaryReading } from "./api-client";
import { inParallel } from "./in-parallel";
import { expectedSummaries, type Order, planLoad } from "./orders";

export interface LoadOptions extends ApiTarget {
  orders: number;
  accounts: number;
  /**
   * Fraction of orders re-sent after all were sent, each twice: unchanged (accepted, counted once) and
   * with other content (refused with 409: orders are create-only). Default 0.1.
   */
  resendRate?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** How long to wait for the summaries to converge. Default 120 s. */
  convergeTimeoutSeconds?: number;
  seed?: number;
  runId?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface AccountCheck {
  expected: AccountSummary;
  actual: SummaryReading;
  exact: boolean;
}

export interface LoadReport {
  runId: string;
  sent: number;
  accepted: number;
  /** Changed re-sends refused with 409, as they must be. */
  conflicts: number;
  /** Answers other than the expected 200 (new or unchanged order) or 409 (changed re-send). */
  rejected: { status: number; text: string }[];
  accounts: AccountCheck[];
  allExact: boolean;
  sendSeconds: number;
  convergeSeconds: number;
}

/** True when the summary read over HTTP is exactly what the orders add up to (404 for an account with none left). */
export function summaryIsExact(expected: AccountSummary, actual: SummaryReading): boolean {
  if (expected.orderCount === 0) return actual.status === 404 || (actual.count === 0 && actual.total === "0");
  return (
    actual.status === 200 &&
    actual.total !== undefined &&
    expected.accountTotal.eq(actual.total) &&
    actual.count === expected.orderCount
  );
}

/**
 * Sends random coffee orders, then re-sends some (unchanged, and changed), then reads every account's
 * summary until it equals what the originals add up to, exactly, or the timeout passes.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const runId = options.runId ?? `load-${randomBytes(3).toString("hex")}`;
  const plan = planLoad({
    orders: options.orders,
    accounts: options.accounts,
    overwriteRate: options.resendRate ?? 0.1,
    runId,
    seed: options.seed ?? Date.now() % 2 ** 31,
  });
  const concurrency = options.concurrency ?? 8;
  const originalByKey = new Map(plan.originals.map((o) => [`${o.accountid}\u0000${o.vendorid}`, o]));
  const unchanged = plan.overwrites.map(
    (o) => originalByKey.get(`${o.accountid}\u0000${o.vendorid}`) as Order,
  );
  const total = plan.originals.length + unchanged.length + plan.overwrites.length;
  let done = 0;
  let accepted = 0;
  let conflicts = 0;
  const rejected: { status: number; text: string }[] = [];
  const sender = (expectedStatus: 200 | 409) => async (order: Order) => {
    const answer = await postOrder(options, order);
    done += 1;
    if (answer.status !== expectedStatus) rejected.push(answer);
    else if (answer.status === 200) accepted += 1;
    else conflicts += 1;
    options.onProgress?.(done, total);
  };

  const sendStarted = Date.now();
  await inParallel(plan.originals, concurrency, sender(200));
  await inParallel(unchanged, concurrency, sender(200));
  await inParallel(plan.overwrites, concurrency, sender(409));
  const sendSeconds = (Date.now() - sendStarted) / 1000;

  const expected = expectedSummaries(plan.originals, plan.accounts);
  const deadline = Date.now() + (options.convergeTimeoutSeconds ?? 120) * 1000;
  const convergeStarted = Date.now();
  let checks: AccountCheck[] = [];
  for (;;) {
    checks = await Promise.all(
      expected.map(async (e) => {
        const actual = await getSummary(options, e.accountId);
        return { expected: e, actual, exact: summaryIsExact(e, actual) };
      }),
    );
    if (checks.every((c) => c.exact) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    runId,
    sent: total,
    accepted,
    conflicts,
    rejected,
    accounts: checks,
    allExact: checks.every((c) => c.exact) && rejected.length === 0,
    sendSeconds,
    convergeSeconds: (Date.now() - convergeStarted) / 1000,
  };
}
