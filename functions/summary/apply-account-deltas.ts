import {
  type DynamoDBClient,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { SummaryDelta } from "../domain/types";
import { type AccountState, stateOfItem } from "./account-state";
import type { AccountStateCache } from "./account-state-cache";
import { backoffDelayMs } from "./backoff";
import { estimatedWriteUnits, planAccountWrite, type WritePlan } from "./plan-write";
import type { AccountWriteOutcome, RetryPolicy, SummaryTables } from "./types";
import type { WriteBudget } from "./write-budget";
import { lateTransaction, rangeItemQuery, spillLedgerUpdate, summaryUpdate } from "./write-commands";
import { judgeWriteError } from "./write-error";

export interface AccountWriteContext {
  client: DynamoDBClient;
  tables: SummaryTables;
  retry: RetryPolicy;
  cache: AccountStateCache;
  now: () => Date;
  sleep: (milliseconds: number) => Promise<void>;
  /** When set, every write first waits for its estimated units (see WriteBudget). */
  budget?: WriteBudget;
}

/**
 * Failed conditions in a row after which the records fail (and are redelivered) rather than being
 * re-planned once more: each one means another writer changed the item, so this bounds a livelock.
 */
export const MAX_CONDITION_FAILURES = 50;

class MissingRangeItemError extends Error {
  override name = "MissingRangeItemError";
}

/**
 * Applies the distinct deltas of one account exactly once: plans a write from the known state of the
 * summary item, runs it, and re-plans from what DynamoDB returned until nothing remains. Throttling,
 * conflicts and transient faults are retried with backoff up to retry.maxAttempts, or until
 * retry.retryUntil when later; after that the records not applied yet fail.
 */
export async function applyAccountDeltas(
  accountId: string,
  deltas: readonly SummaryDelta[],
  context: AccountWriteContext,
): Promise<AccountWriteOutcome> {
  const appliedEventIds: string[] = [];
  const alreadyAppliedEventIds: string[] = [];
  let state = context.cache.get(context.tables, accountId) ?? stateOfItem(accountId, undefined);
  let pending = [...deltas];
  let failedAttempts = 0;
  let conditionFailures = 0;

  const remember = (next: AccountState) => {
    state = next;
    context.cache.set(context.tables, accountId, next);
  };
  const settle = (eventIds: readonly string[], into: string[]) => {
    const settled = new Set(eventIds);
    into.push(...eventIds);
    pending = pending.filter((delta) => !settled.has(delta.eventId));
  };
  const fail = (reason: string, cause: unknown, unpaid?: true): AccountWriteOutcome => ({
    accountId,
    appliedEventIds,
    alreadyAppliedEventIds,
    failure: {
      accountId,
      eventIds: pending.map((delta) => delta.eventId),
      reason,
      cause,
      ...(unpaid && { unpaid }),
    },
  });

  while (true) {
    const step = planAccountWrite(state, pending);
    settle(
      step.alreadyApplied.map((delta) => delta.eventId),
      alreadyAppliedEventIds,
    );
    if (!step.next) {
      return { accountId, appliedEventIds, alreadyAppliedEventIds };
    }
    try {
      const plan = step.next;
      let late: LateRange | undefined;
      if (plan.kind === "late") {
        late = await findLateRange(accountId, plan.records, context);
        if (late.marked.length > 0) {
          settle(late.marked, alreadyAppliedEventIds);
          continue;
        }
      }
      const units = estimatedWriteUnits(state, late ? { kind: "late", records: late.group } : plan);
      if (context.budget && !(await context.budget.take(units, context.retry.retryUntil))) {
        return fail("the write budget has no units left before the deadline", undefined, true);
      }
      const written = late
        ? await executeLate(accountId, late.rangeStart, late.group, context)
        : await executeSummary(accountId, plan, context);
      if (written.state) remember(written.state);
      settle(written.appliedEventIds, appliedEventIds);
      settle(written.alreadyAppliedEventIds, alreadyAppliedEventIds);
      conditionFailures = 0;
    } catch (error) {
      if (error instanceof MissingRangeItemError) {
        return fail(error.message, error);
      }
      const verdict = judgeWriteError(error);
      if (verdict.kind === "condition-failed") {
        remember(stateOfItem(accountId, verdict.item));
        conditionFailures += 1;
        if (conditionFailures < MAX_CONDITION_FAILURES) continue;
        return fail("the summary item kept changing under this writer", error);
      }
      failedAttempts += 1;
      if (verdict.kind === "retryable") {
        const delay = backoffDelayMs(failedAttempts, context.retry);
        const withinAttempts = failedAttempts < context.retry.maxAttempts;
        const withinDeadline =
          context.retry.retryUntil !== undefined && Date.now() + delay < context.retry.retryUntil;
        if (withinAttempts || withinDeadline) {
          await context.sleep(delay);
          continue;
        }
      }
      return fail(verdict.kind === "ledger-condition-failed" ? "ledger condition" : verdict.reason, error);
    }
  }
}

interface Written {
  appliedEventIds: string[];
  alreadyAppliedEventIds: string[];
  state?: AccountState;
}

async function executeSummary(
  accountId: string,
  plan: WritePlan,
  context: AccountWriteContext,
): Promise<Written> {
  if (plan.kind !== "summary") throw new Error("a late plan is written by executeLate");
  if (plan.spill) {
    await context.client.send(
      new UpdateItemCommand(spillLedgerUpdate(context.tables, accountId, plan.spill, context.now())),
    );
  }
  const { Attributes } = await context.client.send(
    new UpdateItemCommand(summaryUpdate(context.tables, accountId, plan.records, plan.spill)),
  );
  return {
    appliedEventIds: plan.records.map((record) => record.eventId),
    alreadyAppliedEventIds: [],
    state: stateOfItem(accountId, Attributes),
  };
}

interface LateRange {
  /** Records whose marks their range item already holds: applied by an earlier delivery. */
  marked: string[];
  /** The range item the first unmarked record's mark goes to, and the records sharing it. */
  rangeStart: number;
  group: SummaryDelta[];
}

/**
 * Reads the range item of each late record (the one with the greatest spilled_after below its
 * second). A mark found there means the record was applied: it is dropped without a write, so a
 * redelivery of records applied by the late path costs reads, never the write budget.
 */
async function findLateRange(
  accountId: string,
  records: readonly SummaryDelta[],
  context: AccountWriteContext,
): Promise<LateRange> {
  const rangeStarts = new Map<number, number>();
  const marks = new Set<string>();
  for (const second of new Set(records.map((record) => record.createdAt))) {
    const { Items = [] } = await context.client.send(
      new QueryCommand(rangeItemQuery(context.tables, accountId, second)),
    );
    const start = Items[0]?.spilled_after?.N;
    if (start === undefined) {
      throw new MissingRangeItemError(
        `no ledger range item of account ${accountId} covers second ${second}, below its watermark`,
      );
    }
    rangeStarts.set(second, Number(start));
    for (const id of Items[0]?.ids?.SS ?? []) marks.add(id);
  }
  const marked = records.filter((record) => marks.has(record.eventId)).map((record) => record.eventId);
  const rangeStart = rangeStarts.get(records[0].createdAt) ?? 0;
  const group = records.filter((record) => rangeStarts.get(record.createdAt) === rangeStart);
  return { marked, rangeStart, group };
}

/** One range item's late records: their amounts and marks in one transaction. */
async function executeLate(
  accountId: string,
  rangeStart: number,
  group: readonly SummaryDelta[],
  context: AccountWriteContext,
): Promise<Written> {
  try {
    await context.client.send(
      new TransactWriteItemsCommand(
        lateTransaction(context.tables, accountId, rangeStart, group, context.now()),
      ),
    );
    return { appliedEventIds: group.map((record) => record.eventId), alreadyAppliedEventIds: [] };
  } catch (error) {
    const verdict = judgeWriteError(error);
    if (verdict.kind !== "ledger-condition-failed") throw error;
    const marked = new Set(verdict.item?.ids?.SS ?? []);
    const present = group.filter((record) => marked.has(record.eventId)).map((record) => record.eventId);
    if (present.length === 0) throw error;
    return { appliedEventIds: [], alreadyAppliedEventIds: present };
  }
}
