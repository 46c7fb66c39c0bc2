import { NumberValue, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { toDecimalText } from "../domain/decimal";
import type { AccountSummaryChange } from "../domain/types";
import { LEDGER_TTL_ATTRIBUTE, LEDGER_TTL_SECONDS, MAX_RECORDS_PER_TRANSACTION } from "./ledger";
import type { SummaryTables } from "./types";

/** Position of the ledger put of change.eventIds[i] in TransactItems (the summary update comes first). */
export const ledgerPutIndex = (eventIndex: number): number => eventIndex + 1;

/**
 * One all-or-nothing write of an account's change: the summary ADD commits only if none of
 * the change's eventIDs is in the ledger yet.
 */
export function summaryTransaction(
  tables: SummaryTables,
  change: AccountSummaryChange,
  now: Date,
): TransactWriteCommandInput {
  if (change.eventIds.length > MAX_RECORDS_PER_TRANSACTION) {
    throw new RangeError(
      `A transaction holds at most ${MAX_RECORDS_PER_TRANSACTION} records, got ${change.eventIds.length}`,
    );
  }
  const expiresAt = Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS;
  return {
    TransactItems: [
      {
        Update: {
          TableName: tables.summaryTableName,
          Key: { accountid: change.accountId },
          UpdateExpression: "ADD account_total :amount, order_count :count",
          ExpressionAttributeValues: {
            ":amount": NumberValue.from(toDecimalText(change.amount)),
            ":count": change.orderCount,
          },
        },
      },
      ...change.eventIds.map((eventId) => ({
        Put: {
          TableName: tables.ledgerTableName,
          Item: { id: eventId, accountid: change.accountId, [LEDGER_TTL_ATTRIBUTE]: expiresAt },
          ConditionExpression: "attribute_not_exists(id)",
        },
      })),
    ],
  };
}
