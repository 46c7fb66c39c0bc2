import { ZERO } from "./decimal";
import type { AccountSummaryChange, SummaryDelta } from "./types";

/**
 * Deltas grouped by account, each eventID kept once (the first seen): a record delivered
 * twice is still one change.
 */
export function groupDeltasByAccount(deltas: readonly SummaryDelta[]): Map<string, SummaryDelta[]> {
  const seenEventIds = new Set<string>();
  const byAccount = new Map<string, SummaryDelta[]>();
  for (const delta of deltas) {
    if (seenEventIds.has(delta.eventId)) {
      continue;
    }
    seenEventIds.add(delta.eventId);
    const group = byAccount.get(delta.accountId);
    if (group) {
      group.push(delta);
    } else {
      byAccount.set(delta.accountId, [delta]);
    }
  }
  return byAccount;
}

/** Sum of the deltas of one account; the caller guarantees they share accountId and eventIDs are distinct. */
export function sumAccountDeltas(accountId: string, deltas: readonly SummaryDelta[]): AccountSummaryChange {
  let amount = ZERO;
  let orderCount = 0;
  for (const delta of deltas) {
    amount = amount.plus(delta.amount);
    orderCount += delta.orderCount;
  }
  return { accountId, amount, orderCount, eventIds: deltas.map((delta) => delta.eventId) };
}

/** One change per account, duplicates (same eventID) counted once. */
export function aggregateDeltas(deltas: readonly SummaryDelta[]): AccountSummaryChange[] {
  return [...groupDeltasByAccount(deltas)].map(([accountId, group]) => sumAccountDeltas(accountId, group));
}
