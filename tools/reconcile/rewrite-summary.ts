import {
  type AttributeValue,
  ConditionalCheckFailedException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { toDecimalText } from "../../functions/domain/decimal";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import type { SummaryItemReading } from "./actual-summaries";
import type { ReconcileTarget, SummaryFigures } from "./types";

/**
 * Sets one account's summary to the expected figures, only if the item still holds what was read
 * (or still does not exist): a projection write in between makes this return false instead of being
 * overwritten.
 *
 * The marks of applied records (the summary item's buckets, the ledger) are left alone: SET touches only
 * the two figures. The marks list the stream records already in the summary so that redeliveries are
 * dropped; the rewritten figures are the sum of the details table, which includes each of those
 * records' effects, so dropping their redeliveries stays right. Records not applied yet have no mark
 * and would be added on top of the rewrite: that is what the settle window (nothing in flight) and the
 * empty-queue check (nothing waiting to be redriven) rule out, not something a mark could fix (the
 * details table does not say which stream records produced it).
 */
export async function rewriteSummary(
  target: ReconcileTarget,
  accountId: string,
  read: SummaryItemReading | undefined,
  expected: SummaryFigures,
): Promise<boolean> {
  const names: Record<string, string> = { "#total": SUMMARY.accountTotal, "#count": SUMMARY.orderCount };
  const values: Record<string, AttributeValue> = {
    ":total": { N: toDecimalText(expected.accountTotal) },
    ":count": { N: String(expected.orderCount) },
  };
  let condition: string;
  if (read === undefined) {
    names["#account"] = SUMMARY.accountId;
    condition = "attribute_not_exists(#account)";
  } else {
    condition = [
      unchanged("#total", ":readTotal", read.accountTotal, values),
      unchanged("#count", ":readCount", read.orderCount, values),
    ].join(" AND ");
  }
  try {
    await target.dynamodb.send(
      new UpdateItemCommand({
        TableName: target.summaryTable,
        Key: { [SUMMARY.accountId]: { S: accountId } },
        UpdateExpression: "SET #total = :total, #count = :count",
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

function unchanged(
  name: string,
  placeholder: string,
  value: AttributeValue | undefined,
  values: Record<string, AttributeValue>,
): string {
  if (value === undefined) return `attribute_not_exists(${name})`;
  values[placeholder] = value;
  return `${name} = ${placeholder}`;
}
