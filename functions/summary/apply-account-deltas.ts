import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { sumAccountDeltas } from "../domain/aggregate-deltas";
import type { SummaryDelta } from "../domain/types";
import { backoffDelayMs } from "./backoff";
import { summaryTransaction } from "./summary-transaction";
import { judgeTransactionError } from "./transaction-error";
import type { AccountWriteOutcome, RetryPolicy, SummaryTables } from "./types";

export interface AccountWriteContext {
  client: DynamoDBDocumentClient;
  tables: SummaryTables;
  retry: RetryPolicy;
  now: () => Date;
  sleep: (milliseconds: number) => Promise<void>;
}

/**
 * Applies the distinct deltas of one account (at most one transaction's worth) exactly once.
 * Records the ledger already holds are dropped and the rest retried; conflicts and throttling
 * are retried with backoff up to retry.maxAttempts, or until retry.retryUntil when later, after which
 * the remaining records fail.
 */
export async function applyAccountDeltas(
  accountId: string,
  deltas: readonly SummaryDelta[],
  context: AccountWriteContext,
): Promise<AccountWriteOutcome> {
  const alreadyAppliedEventIds: string[] = [];
  let pending = [...deltas];
  let failedAttempts = 0;

  while (pending.length > 0) {
    const change = sumAccountDeltas(accountId, pending);
    try {
      await context.client.send(
        new TransactWriteCommand(summaryTransaction(context.tables, change, context.now())),
      );
      return { accountId, appliedEventIds: change.eventIds, alreadyAppliedEventIds };
    } catch (error) {
      const verdict = judgeTransactionError(error, change.eventIds);
      if (verdict.kind === "already-applied") {
        const applied = new Set(verdict.eventIds);
        alreadyAppliedEventIds.push(...verdict.eventIds);
        pending = pending.filter((delta) => !applied.has(delta.eventId));
        continue;
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
      return {
        accountId,
        appliedEventIds: [],
        alreadyAppliedEventIds,
        failure: { accountId, eventIds: change.eventIds, reason: verdict.reason, cause: error },
      };
    }
  }
  return { accountId, appliedEventIds: [], alreadyAppliedEventIds };
}
