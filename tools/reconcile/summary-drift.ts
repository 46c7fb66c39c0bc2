import { ZERO } from "../../functions/domain/decimal";
import type { SummaryItemReading } from "./actual-summaries";
import type { AccountDrift, SummaryFigures } from "./types";

const NO_ORDERS: SummaryFigures = { accountTotal: ZERO, orderCount: 0 };

/**
 * Accounts whose summary item differs from the expected figures, compared as exact decimals
 * (1.00 equals 1). A missing summary item equals 0/0, so an account whose orders were all removed
 * is consistent with or without its 0/0 item. Sorted by account id.
 */
export function summaryDrifts(
  expected: ReadonlyMap<string, SummaryFigures>,
  actual: ReadonlyMap<string, SummaryItemReading>,
): AccountDrift[] {
  const accounts = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const drifts: AccountDrift[] = [];
  for (const accountId of accounts) {
    const drift = accountDrift(accountId, expected.get(accountId), actual.get(accountId));
    if (drift) drifts.push(drift);
  }
  return drifts;
}

function accountDrift(
  accountId: string,
  expectedFigures: SummaryFigures | undefined,
  reading: SummaryItemReading | undefined,
): AccountDrift | undefined {
  const expected = expectedFigures ?? NO_ORDERS;
  const onlyInSummary = expectedFigures === undefined;
  if (reading && reading.figures === null) {
    return {
      accountId,
      expected,
      actual: null,
      unreadableActual: reading.unreadable,
      totalDifference: null,
      countDifference: null,
      onlyInSummary,
    };
  }
  const actual = reading?.figures ?? null;
  const compared = actual ?? NO_ORDERS;
  const totalDifference = compared.accountTotal.minus(expected.accountTotal);
  const countDifference = compared.orderCount - expected.orderCount;
  if (totalDifference.eq(ZERO) && countDifference === 0) return undefined;
  return { accountId, expected, actual, totalDifference, countDifference, onlyInSummary };
}

/** True when two observations of an account's drift saw the same expected and actual figures. */
export function sameDrift(first: AccountDrift, second: AccountDrift): boolean {
  return (
    sameFigures(first.expected, second.expected) &&
    (first.actual === null || second.actual === null
      ? first.actual === second.actual && first.unreadableActual === second.unreadableActual
      : sameFigures(first.actual, second.actual))
  );
}

function sameFigures(a: SummaryFigures, b: SummaryFigures): boolean {
  return a.accountTotal.eq(b.accountTotal) && a.orderCount === b.orderCount;
}
