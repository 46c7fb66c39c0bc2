import { randomUUID } from "node:crypto";
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { Decimal, toDecimalText } from "../../../functions/domain/decimal";
import { stateBytes, stateOfItem } from "../../../functions/summary/account-state";
import { LEDGER_HASH_KEY, LEDGER_RANGE_KEY } from "../../../functions/summary/ledger";
import type { SummaryTables } from "../../../functions/summary/types";

/** Creates a fresh summary and ledger table pair (unique names, so tests never share state). */
export async function createSummaryTables(client: DynamoDBClient): Promise<SummaryTables> {
  const suffix = randomUUID().slice(0, 8);
  const tables = { summaryTableName: `summary-${suffix}`, ledgerTableName: `ledger-${suffix}` };
  await client.send(
    new CreateTableCommand({
      TableName: tables.summaryTableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "accountid", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "accountid", AttributeType: "S" }],
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: tables.ledgerTableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: LEDGER_HASH_KEY, KeyType: "HASH" },
        { AttributeName: LEDGER_RANGE_KEY, KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: LEDGER_HASH_KEY, AttributeType: "S" },
        { AttributeName: LEDGER_RANGE_KEY, AttributeType: "N" },
      ],
    }),
  );
  return tables;
}

export interface StoredSummary {
  account_total: string;
  order_count: string;
}

/**
 * The summary item's numbers as canonical decimal text (read as text, never as a JS number), or undefined.
 * Canonical because DynamoDB Local keeps trailing zeros of a sum ("1.00") where DynamoDB returns "1".
 */
export async function readSummary(
  client: DynamoDBClient,
  tables: SummaryTables,
  accountId: string,
): Promise<StoredSummary | undefined> {
  const stored = await readStoredSummary(client, tables, accountId);
  return (
    stored && {
      account_total: toDecimalText(Decimal(stored.account_total)),
      order_count: toDecimalText(Decimal(stored.order_count)),
    }
  );
}

/** The summary item's number text exactly as the database returns it. */
export async function readStoredSummary(
  client: DynamoDBClient,
  tables: SummaryTables,
  accountId: string,
): Promise<StoredSummary | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tables.summaryTableName,
      Key: { accountid: { S: accountId } },
      ConsistentRead: true,
    }),
  );
  if (!Item) {
    return undefined;
  }
  return { account_total: Item.account_total?.N ?? "NaN", order_count: Item.order_count?.N ?? "NaN" };
}

/** A ledger range item: the marks of an account's records created after `spilledAfter`. */
export interface LedgerRange {
  accountid: string;
  spilledAfter: number;
  ids: string[];
  expires_at: number;
}

export async function readLedger(client: DynamoDBClient, tables: SummaryTables): Promise<LedgerRange[]> {
  const { Items = [] } = await client.send(
    new ScanCommand({ TableName: tables.ledgerTableName, ConsistentRead: true }),
  );
  return Items.map((item) => ({
    accountid: item.accountid?.S ?? "",
    spilledAfter: Number(item.spilled_after?.N),
    ids: [...(item.ids?.SS ?? [])].sort(),
    expires_at: Number(item.expires_at?.N),
  })).sort((a, b) => a.accountid.localeCompare(b.accountid) || a.spilledAfter - b.spilledAfter);
}

/** The marks of an account as stored: buckets in the summary item, its watermark and its ledger ranges. */
export async function readMarks(client: DynamoDBClient, tables: SummaryTables, accountId: string) {
  const { Item = {} } = await client.send(
    new GetItemCommand({
      TableName: tables.summaryTableName,
      Key: { accountid: { S: accountId } },
      ConsistentRead: true,
    }),
  );
  const buckets = new Map<number, string[]>();
  for (const [name, value] of Object.entries(Item)) {
    const match = /^m(\d+)$/.exec(name);
    if (match && value.SS) buckets.set(Number(match[1]), [...value.SS]);
  }
  return {
    buckets,
    spilledThrough: Number(Item.spilled_through?.N ?? "0"),
    ranges: (await readLedger(client, tables)).filter((range) => range.accountid === accountId),
  };
}

/**
 * The invariant of the marks: every bucket's second is above the watermark, every applied record's
 * mark is where a writer looks for it (its bucket above the watermark, else the range item with the
 * greatest start below its second), and nothing else is marked in the item.
 */
export async function expectMarksInvariant(
  client: DynamoDBClient,
  tables: SummaryTables,
  accountId: string,
  applied: readonly { eventId: string; createdAt: number }[],
): Promise<void> {
  const marks = await readMarks(client, tables, accountId);
  for (const second of marks.buckets.keys()) {
    expect(second).toBeGreaterThan(marks.spilledThrough);
  }
  const misplaced = applied.filter((record) => {
    if (record.createdAt > marks.spilledThrough) {
      return !(marks.buckets.get(record.createdAt) ?? []).includes(record.eventId);
    }
    const covering = marks.ranges.filter((range) => range.spilledAfter < record.createdAt).pop();
    return !covering?.ids.includes(record.eventId);
  });
  expect(misplaced).toEqual([]);
  const inItem = [...marks.buckets.values()].flat().sort();
  const expectedInItem = applied
    .filter((record) => record.createdAt > marks.spilledThrough)
    .map((record) => record.eventId)
    .sort();
  expect(inItem).toEqual(expectedInItem);
}

/** DynamoDB size of the stored summary item by the documented rules (names + values). */
export async function summaryItemBytes(
  client: DynamoDBClient,
  tables: SummaryTables,
  accountId: string,
): Promise<number> {
  const { Item = {} } = await client.send(
    new GetItemCommand({
      TableName: tables.summaryTableName,
      Key: { accountid: { S: accountId } },
      ConsistentRead: true,
    }),
  );
  return stateBytes(stateOfItem(accountId, Item));
}

/** Seeds a summary item whose account_total is a string, so any ADD on it fails with a ValidationException. */
export async function seedUnwritableSummary(
  client: DynamoDBClient,
  tables: SummaryTables,
  accountId: string,
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tables.summaryTableName,
      Item: { accountid: { S: accountId }, account_total: { S: "not a number" } },
    }),
  );
}
