import type { AccountState } from "./account-state";

/**
 * Last known state of recently written accounts, least recently used evicted first. An optimisation
 * only: a stale or missing state costs a failed condition (which returns the item) or an estimate,
 * never exactness, because every write is conditioned on what it assumes.
 */
/** The summary table an account's state belongs to (the rest of SummaryTables plays no part in the key). */
type SummaryTable = { summaryTableName: string };

export class AccountStateCache {
  private readonly states = new Map<string, AccountState>();

  constructor(private readonly capacity = 10_000) {}

  get(tables: SummaryTable, accountId: string): AccountState | undefined {
    const key = this.key(tables, accountId);
    const state = this.states.get(key);
    if (state) {
      this.states.delete(key);
      this.states.set(key, state);
    }
    return state;
  }

  set(tables: SummaryTable, accountId: string, state: AccountState): void {
    const key = this.key(tables, accountId);
    this.states.delete(key);
    this.states.set(key, state);
    if (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
  }

  private key(tables: SummaryTable, accountId: string): string {
    return JSON.stringify([tables.summaryTableName, accountId]);
  }
}
