import type {
  AttributeValue,
  QueryCommandInput,
  TransactWriteItemsCommandInput,
  UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { sumAccountDeltas } from "../domain/aggregate-deltas";
import { toDecimalText } from "../domain/decimal";
import type { SummaryDelta } from "../domain/types";
import { bucketName } from "./account-state";
import { LEDGER_HASH_KEY, LEDGER_RANGE_KEY, LEDGER_TTL_ATTRIBUTE, LEDGER_TTL_SECONDS } from "./ledger";
import type { Spill } from "./plan-write";
import type { SummaryTables } from "./types";

const text = (value: string): AttributeValue => ({ S: value });
const number = (value: number | string): AttributeValue => ({ N: String(value) });
const textSet = (values: Iterable<string>): AttributeValue => ({ SS: [...new Set(values)] });

const expiresAt = (now: Date): AttributeValue =>
  number(Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS);

/** The amount and count of the records as exact decimal text. */
function totals(accountId: string, records: readonly SummaryDelta[]) {
  const change = sumAccountDeltas(accountId, records);
  return {
    ":amount": number(toDecimalText(change.amount)),
    ":count": number(change.orderCount),
    ":one": number(1),
  };
}

/**
 * The one conditional write of the normal path: adds the records' amounts and their marks (one String
 * Set per creation second), on condition that no record is at or below the watermark and none is
 * marked yet. With a spill it also drops the spilled buckets and moves the watermark, on condition
 * that the item is still the version the planner saw. Neither ALL_NEW nor ALL_OLD on a failed
 * condition consumes read capacity.
 */
export function summaryUpdate(
  tables: SummaryTables,
  accountId: string,
  records: readonly SummaryDelta[],
  spill?: Spill,
): UpdateItemCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = totals(accountId, records);
  const additions = ["account_total :amount", "order_count :count", "v :one"];
  const conditions = ["(attribute_not_exists(spilled_through) OR spilled_through < :oldest)"];
  values[":oldest"] = number(Math.min(...records.map((record) => record.createdAt)));

  const seconds = [...new Set(records.map((record) => record.createdAt))];
  seconds.forEach((second, bucketIndex) => {
    names[`#b${bucketIndex}`] = bucketName(second);
    values[`:b${bucketIndex}`] = textSet(
      records.filter((record) => record.createdAt === second).map((record) => record.eventId),
    );
    additions.push(`#b${bucketIndex} :b${bucketIndex}`);
  });
  const marked = records.map((record, recordIndex) => {
    values[`:i${recordIndex}`] = text(record.eventId);
    return `contains(#b${seconds.indexOf(record.createdAt)}, :i${recordIndex})`;
  });
  conditions.push(noneOf(marked));

  let updateExpression = `ADD ${additions.join(", ")}`;
  if (spill) {
    spill.seconds.forEach((second, index) => {
      names[`#r${index}`] = bucketName(second);
    });
    updateExpression += ` REMOVE ${spill.seconds.map((_, index) => `#r${index}`).join(", ")}`;
    updateExpression += " SET spilled_through = :watermark";
    values[":watermark"] = number(spill.watermark);
    values[":version"] = number(spill.expectedVersion);
    conditions.push("v = :version");
  }
  return {
    TableName: tables.summaryTableName,
    Key: { accountid: text(accountId) },
    UpdateExpression: updateExpression,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

/** A spill's first step: the marks join the range item that starts at the old watermark (a set union). */
export function spillLedgerUpdate(
  tables: SummaryTables,
  accountId: string,
  spill: Spill,
  now: Date,
): UpdateItemCommandInput {
  return {
    TableName: tables.ledgerTableName,
    Key: ledgerKey(accountId, spill.rangeStart),
    UpdateExpression: "ADD ids :ids SET #expires = :expires",
    ExpressionAttributeNames: { "#expires": LEDGER_TTL_ATTRIBUTE },
    ExpressionAttributeValues: { ":ids": textSet(spill.eventIds), ":expires": expiresAt(now) },
  };
}

/** The range item holding the marks of records created in `second`: the greatest start below it. */
export function rangeItemQuery(tables: SummaryTables, accountId: string, second: number): QueryCommandInput {
  return {
    TableName: tables.ledgerTableName,
    KeyConditionExpression: "#account = :account AND #start < :second",
    ExpressionAttributeNames: { "#account": LEDGER_HASH_KEY, "#start": LEDGER_RANGE_KEY },
    ExpressionAttributeValues: { ":account": text(accountId), ":second": number(second) },
    ProjectionExpression: "#start, ids",
    ScanIndexForward: false,
    Limit: 1,
    ConsistentRead: true,
  };
}

/**
 * The late path: the summary ADD and the marks' addition to their range item commit together; the
 * ledger update's condition fails if any record is marked already, and returns the marks present.
 */
export function lateTransaction(
  tables: SummaryTables,
  accountId: string,
  rangeStart: number,
  records: readonly SummaryDelta[],
  now: Date,
): TransactWriteItemsCommandInput {
  const idValues = Object.fromEntries(records.map((record, index) => [`:i${index}`, text(record.eventId)]));
  return {
    TransactItems: [
      {
        Update: {
          TableName: tables.summaryTableName,
          Key: { accountid: text(accountId) },
          UpdateExpression: "ADD account_total :amount, order_count :count, v :one",
          ExpressionAttributeValues: totals(accountId, records),
        },
      },
      {
        Update: {
          TableName: tables.ledgerTableName,
          Key: ledgerKey(accountId, rangeStart),
          UpdateExpression: "ADD ids :ids SET #expires = :expires",
          ConditionExpression: noneOf(records.map((_, index) => `contains(ids, :i${index})`)),
          ExpressionAttributeNames: { "#expires": LEDGER_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ":ids": textSet(records.map((record) => record.eventId)),
            ":expires": expiresAt(now),
            ...idValues,
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
    ],
  };
}

/**
 * `NOT (a OR b ...)` rather than `NOT a AND NOT b ...`: two operators per record instead of three, as an
 * expression holds at most 300 operators and functions.
 */
function noneOf(conditions: readonly string[]): string {
  return `NOT (${conditions.join(" OR ")})`;
}

function ledgerKey(accountId: string, rangeStart: number): Record<string, AttributeValue> {
  return { [LEDGER_HASH_KEY]: text(accountId), [LEDGER_RANGE_KEY]: number(rangeStart) };
}
