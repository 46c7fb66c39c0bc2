import type { AccountStateCache } from "./account-state-cache";
import type { WriteBudget } from "./write-budget";

export interface SummaryTables {
  summaryTableName: string;
  ledgerTableName: string;
}

/** Bounds the retries of one account's writes on conflicts, throttling and transient faults. */
export interface RetryPolicy {
  /** Writes that may end in a retryable error before the records are reported as failed. */
  maxAttempts: number;
  /**
   * Epoch milliseconds until which retryable errors (throttling, conflicts) keep being retried even
   * beyond maxAttempts: the invocation's own deadline, so a throttled batch waits out the throttling
   * instead of burning a delivery attempt (and an SQS receive) on it.
   */
  retryUntil?: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface SummaryWriterOptions {
  retry?: Partial<RetryPolicy>;
  /** Known states of accounts; defaults to one shared by every call in this process. */
  cache?: AccountStateCache;
  /** Clock for the ledger's expires_at. */
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Paces the writes to a share of the table's write capacity; unpaced when absent. */
  budget?: WriteBudget;
}

/** Records of one account that could not be written; they must be reported as batch item failures. */
export interface AccountWriteFailure {
  accountId: string;
  eventIds: string[];
  reason: string;
  cause: unknown;
  /** Nothing went wrong but time: the write budget could not pay for these records before the deadline. */
  unpaid?: true;
}

export interface AccountWriteOutcome {
  accountId: string;
  /** Written by this call. */
  appliedEventIds: string[];
  /** Marked in the summary item or the ledger: an earlier delivery applied them. */
  alreadyAppliedEventIds: string[];
  failure?: AccountWriteFailure;
}

export interface ApplyDeltasResult {
  appliedEventIds: string[];
  alreadyAppliedEventIds: string[];
  failures: AccountWriteFailure[];
  failedEventIds: string[];
}
