import { actualSummaries, type SummaryItemReading } from "./actual-summaries";
import { expectedSummaries } from "./expected-summaries";
import { type QueueBacklog, type QueueTarget, queueBacklogs, queueRefusal } from "./queue-backlog";
import { rewriteSummary } from "./rewrite-summary";
import { sameDrift, summaryDrifts } from "./summary-drift";
import type { AccountDrift, ReconcileTarget, UnprojectableItem } from "./types";

export const DEFAULT_SETTLE_SECONDS = 10;

export interface ReconcileOptions {
  /** Rewrite drifting summaries that stay identical across the settle window. */
  fix?: boolean;
  /** Time between the two observations a fix needs; longer than the projection's retries. Default 10. */
  settleSeconds?: number;
  /** Failure, dead-letter and update queues of the stack; a fix is refused while they hold messages. */
  queues?: QueueTarget;
  ignoreQueues?: boolean;
  /** Awaited at each step (progress for a CLI). */
  onStep?: (step: ReconcileStep) => void | Promise<void>;
}

export type ReconcileStep =
  | { kind: "observed"; observation: 1 | 2; drifts: number }
  | { kind: "settling"; seconds: number }
  | { kind: "rewriting"; accountId: string };

export type SkipReason = "changed-during-settle" | "changed-before-write";

export interface FixOutcome {
  /** Why nothing was rewritten, for an operator; undefined when the fix ran. */
  refused?: string;
  rewritten: AccountDrift[];
  skipped: { drift: AccountDrift; reason: SkipReason }[];
}

export interface ReconcileReport {
  /** Accounts found in the details table (projectable or not) or the summary table. */
  accounts: number;
  detailsItems: number;
  /** Drifting accounts, as last observed, sorted by account id. */
  drifts: AccountDrift[];
  /** Details items left out of the expected figures because the projection cannot compute them. */
  unprojectable: UnprojectableItem[];
  queues: QueueBacklog[];
  /** Present when a fix was asked for. */
  fix?: FixOutcome;
  /** Drifts still in the summary table when this run ends. */
  remainingDrifts: AccountDrift[];
}

interface Observation {
  accounts: number;
  detailsItems: number;
  drifts: AccountDrift[];
  unprojectable: UnprojectableItem[];
  summaries: Map<string, SummaryItemReading>;
}

/**
 * Recomputes every account's summary from the details table and compares it with the summary table.
 * With `fix`, a drift observed identically twice, settleSeconds apart, is rewritten by a conditional
 * update; an account that changes in between is skipped, never overwritten.
 */
export async function reconcile(
  target: ReconcileTarget,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const onStep = options.onStep ?? (() => {});
  const checkQueues = () => (options.queues ? queueBacklogs(options.queues) : Promise.resolve([]));
  let queues = await checkQueues();
  const first = await observe(target);
  await onStep({ kind: "observed", observation: 1, drifts: first.drifts.length });
  const report = (observation: Observation, fix?: FixOutcome): ReconcileReport => {
    const rewritten = new Set(fix?.rewritten.map((drift) => drift.accountId));
    return {
      accounts: observation.accounts,
      detailsItems: observation.detailsItems,
      drifts: observation.drifts,
      unprojectable: observation.unprojectable,
      queues,
      fix,
      remainingDrifts: observation.drifts.filter((drift) => !rewritten.has(drift.accountId)),
    };
  };
  if (!options.fix) return report(first);
  const refusal = () => (options.ignoreQueues ? undefined : queueRefusal(queues));
  if (first.drifts.length === 0) return report(first, { rewritten: [], skipped: [] });
  const refusedBefore = refusal();
  if (refusedBefore) return report(first, { refused: refusedBefore, rewritten: [], skipped: [] });

  const settleSeconds = options.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
  await onStep({ kind: "settling", seconds: settleSeconds });
  await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
  const second = await observe(target);
  await onStep({ kind: "observed", observation: 2, drifts: second.drifts.length });
  queues = await checkQueues();
  const refusedAfter = refusal();
  if (refusedAfter) return report(second, { refused: refusedAfter, rewritten: [], skipped: [] });

  const before = new Map(first.drifts.map((drift) => [drift.accountId, drift]));
  const fix: FixOutcome = { rewritten: [], skipped: [] };
  for (const drift of second.drifts) {
    const earlier = before.get(drift.accountId);
    if (!earlier || !sameDrift(earlier, drift)) {
      fix.skipped.push({ drift, reason: "changed-during-settle" });
      continue;
    }
    await onStep({ kind: "rewriting", accountId: drift.accountId });
    const written = await rewriteSummary(
      target,
      drift.accountId,
      second.summaries.get(drift.accountId),
      drift.expected,
    );
    if (written) fix.rewritten.push(drift);
    else fix.skipped.push({ drift, reason: "changed-before-write" });
  }
  return report(second, fix);
}

/**
 * Details first, then summaries. A projection write between the two scans shows as a passing drift,
 * which a fix skips because it is not observed identically twice.
 */
async function observe(target: ReconcileTarget): Promise<Observation> {
  const expected = await expectedSummaries(target);
  const summaries = await actualSummaries(target);
  return {
    accounts: new Set([
      ...expected.byAccount.keys(),
      ...expected.unprojectable.map((item) => item.accountId),
      ...summaries.keys(),
    ]).size,
    detailsItems: expected.detailsItems,
    drifts: summaryDrifts(expected.byAccount, summaries),
    unprojectable: expected.unprojectable,
    summaries,
  };
}
