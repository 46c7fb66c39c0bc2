import { type AttributeValue, paginateScan } from "@aws-sdk/client-dynamodb";
import { Decimal } from "../../functions/domain/decimal";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import type { ReconcileTarget, SummaryFigures } from "./types";

/** One summary item as read, with the raw attributes a conditional rewrite must find unchanged. */
export interface SummaryItemReading {
  accountId: string;
  /** null when the item's figures are not numbers the projection could have written. */
  figures: SummaryFigures | null;
  unreadable?: string;
  accountTotal: AttributeValue | undefined;
  orderCount: AttributeValue | undefined;
}

/** Every summary item (consistent, paginated scan), by account. */
export async function actualSummaries(target: ReconcileTarget): Promise<Map<string, SummaryItemReading>> {
  const byAccount = new Map<string, SummaryItemReading>();
  const pages = paginateScan(
    { client: target.dynamodb },
    { TableName: target.summaryTable, ConsistentRead: true },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const reading = readSummaryItem(item);
      byAccount.set(reading.accountId, reading);
    }
  }
  return byAccount;
}

/** A missing attribute reads as 0: the projection's first ADD creates it. */
export function readSummaryItem(item: Record<string, AttributeValue>): SummaryItemReading {
  const accountId = item[SUMMARY.accountId]?.S ?? "";
  const accountTotal = item[SUMMARY.accountTotal];
  const orderCount = item[SUMMARY.orderCount];
  const reading = { accountId, accountTotal, orderCount };
  const total = parseNumber(accountTotal);
  const count = parseNumber(orderCount);
  if (total === undefined) {
    return {
      ...reading,
      figures: null,
      unreadable: `${SUMMARY.accountTotal} is ${JSON.stringify(accountTotal)}`,
    };
  }
  if (count === undefined || !count.eq(count.round(0, Decimal.roundDown))) {
    return {
      ...reading,
      figures: null,
      unreadable: `${SUMMARY.orderCount} is ${JSON.stringify(orderCount)}`,
    };
  }
  return { ...reading, figures: { accountTotal: total, orderCount: count.toNumber() } };
}

function parseNumber(value: AttributeValue | undefined): Decimal | undefined {
  if (value === undefined) return Decimal("0");
  if (typeof value.N !== "string") return undefined;
  try {
    return Decimal(value.N);
  } catch {
    return undefined;
  }
}
