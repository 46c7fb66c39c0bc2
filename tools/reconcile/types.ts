import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Decimal } from "../../functions/domain/decimal";
import type { SummaryFigures } from "../../functions/domain/types";

/** The tables one stack's projection reads from (details) and writes to (summary). */
export interface ReconcileTarget {
  dynamodb: DynamoDBClient;
  detailsTable: string;
  summaryTable: string;
}

export type { SummaryFigures } from "../../functions/domain/types";

/** A details item the projection cannot turn into an amount (its stream record fails, to the DLQ or on-failure queue). */
export interface UnprojectableItem {
  accountId: string;
  vendorId: string;
  reason: string;
}

/** One account whose summary differs from what its details items add up to. */
export interface AccountDrift {
  accountId: string;
  /** Sum of the account's projectable details items (0/0 when it has none). */
  expected: SummaryFigures;
  /** The summary item's figures; null when there is no summary item. */
  actual: SummaryFigures | null;
  /** Set when the summary item exists but its figures are not numbers the projection could have written. */
  unreadableActual?: string;
  /** actual − expected (a missing summary item counts as 0/0); null when the actual figures are unreadable. */
  totalDifference: Decimal | null;
  countDifference: number | null;
  /** The account has a summary item but no projectable details item (expected 0/0). */
  onlyInSummary: boolean;
}
