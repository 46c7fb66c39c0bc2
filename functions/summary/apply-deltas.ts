import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { groupDeltasByAccount } from "../domain/aggregate-deltas";
import type { SummaryDelta } from "../domain/types";
import { chunk } from "../shared/chunk";
import { type AccountWriteContext, applyAccountDeltas } from "./apply-account-deltas";
import { MAX_RECORDS_PER_TRANSACTION } from "./ledger";
import type {
  AccountWriteOutcome,
  ApplyDeltasResult,
  RetryPolicy,
  SummaryTables,
  SummaryWriterOptions,
} from "./types";

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 1000 };

/** Share of the invocation's remaining time kept back for reporting failures before the timeout. */
const DEADLINE_RESERVE = 0.25;

/**
 * Until when a handler may keep retrying throttled writes: most of the invocation's remaining time,
 * leaving a reserve (at least 500 ms) to return the batch item failures before Lambda times out.
 */
export function retryDeadline(
  context: { getRemainingTimeInMillis(): number } | undefined,
): number | undefined {
  if (!context) return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return Date.now() + remaining - Math.max(500, remaining * DEADLINE_RESERVE);
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Applies a batch of deltas to the summary table exactly once per eventID: one transaction per
 * account (summary ADD + ledger puts), accounts written concurrently. Duplicated eventIDs count once.
 * An account with more than MAX_RECORDS_PER_TRANSACTION records (batch size above the configured
 * limit) is split into several transactions. Never throws for write errors: the records that could
 * not be written are returned in failedEventIds.
 */
export async function applyDeltas(
  client: DynamoDBDocumentClient,
  tables: SummaryTables,
  deltas: readonly SummaryDelta[],
  options: SummaryWriterOptions = {},
): Promise<ApplyDeltasResult> {
  const context: AccountWriteContext = {
    client,
    tables,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? sleep,
  };

  const outcomes = await Promise.all(
    [...groupDeltasByAccount(deltas)].map(([accountId, accountDeltas]) =>
      applyInTransactionSizedSlices(accountId, accountDeltas, context),
    ),
  );

  const flat = outcomes.flat();
  const failures = flat.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []));
  return {
    appliedEventIds: flat.flatMap((outcome) => outcome.appliedEventIds),
    alreadyAppliedEventIds: flat.flatMap((outcome) => outcome.alreadyAppliedEventIds),
    failures,
    failedEventIds: failures.flatMap((failure) => failure.eventIds),
  };
}

async function applyInTransactionSizedSlices(
  accountId: string,
  deltas: SummaryDelta[],
  context: AccountWriteContext,
): Promise<AccountWriteOutcome[]> {
  const outcomes: AccountWriteOutcome[] = [];
  for (const slice of chunk(deltas, MAX_RECORDS_PER_TRANSACTION)) {
    outcomes.push(await applyAccountDeltas(accountId, slice, context));
  }
  return outcomes;
}
