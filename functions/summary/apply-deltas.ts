import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { groupDeltasByAccount } from "../domain/aggregate-deltas";
import type { SummaryDelta } from "../domain/types";
import { AccountStateCache } from "./account-state-cache";
import { type AccountWriteContext, applyAccountDeltas } from "./apply-account-deltas";
import type { ApplyDeltasResult, RetryPolicy, SummaryTables, SummaryWriterOptions } from "./types";
import { DEADLINE_RESERVE_SHARE, MIN_DEADLINE_RESERVE_MS } from "./write-budget";

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 1000 };

/**
 * Until when a handler may keep retrying throttled writes: most of the invocation's remaining time,
 * leaving a reserve (at least 500 ms) to return the batch item failures before Lambda times out.
 */
export function retryDeadline(
  context: { getRemainingTimeInMillis(): number } | undefined,
): number | undefined {
  if (!context) return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return Date.now() + remaining - Math.max(MIN_DEADLINE_RESERVE_MS, remaining * DEADLINE_RESERVE_SHARE);
}

/** Lives as long as the Lambda execution environment: consecutive batches start from the known state. */
const sharedCache = new AccountStateCache();

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Applies a batch of deltas to the summary table exactly once per eventID, accounts written
 * concurrently, each with about one conditional write per batch (see docs/exactly-once.md).
 * Duplicated eventIDs count once. Never throws for write errors: the records that could not be
 * written are returned in failedEventIds.
 */
export async function applyDeltas(
  client: DynamoDBClient,
  tables: SummaryTables,
  deltas: readonly SummaryDelta[],
  options: SummaryWriterOptions = {},
): Promise<ApplyDeltasResult> {
  const context: AccountWriteContext = {
    client,
    tables,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    cache: options.cache ?? sharedCache,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? sleep,
    budget: options.budget,
  };

  const outcomes = await Promise.all(
    [...groupDeltasByAccount(deltas)].map(([accountId, accountDeltas]) =>
      applyAccountDeltas(accountId, accountDeltas, context),
    ),
  );

  const failures = outcomes.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []));
  return {
    appliedEventIds: outcomes.flatMap((outcome) => outcome.appliedEventIds),
    alreadyAppliedEventIds: outcomes.flatMap((outcome) => outcome.alreadyAppliedEventIds),
    failures,
    failedEventIds: failures.flatMap((failure) => failure.eventIds),
  };
}
