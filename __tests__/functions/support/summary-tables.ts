import { randomUUID } from "node:crypto";
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { Decimal, toDecimalText } from "../../../functions/domain/decimal";
import type { SummaryTables } from "../../../functions/summary/types";

/** Creates a fresh summary and ledger table pair (unique names, so tests never share state). */
export async function createSummaryTables(client: DynamoDBClient): Promise<SummaryTables> {
  const suffix = randomUUID().slice(0, 8);
  const tables = { summaryTableName: `summary-${suffix}`, ledgerTableName: `ledger-${suffix}` };
  await createTable(client, tables.summaryTableName, "accountid");
  await createTable(client, tables.ledgerTableName, "id");
  return tables;
}

async function createTable(client: DynamoDBClient, tableName: string, hashKey: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
    }),
  );
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

export interface LedgerEntry {
  id: string;
  accountid: string;
  expires_at: number;
}

export async function readLedger(client: DynamoDBClient, tables: SummaryTables): Promise<LedgerEntry[]> {
  const { Items = [] } = await client.send(
    new ScanCommand({ TableName: tables.ledgerTableName, ConsistentRead: true }),
  );
  return Items.map((item) => ({
    id: item.id?.S ?? "",
    accountid: item.accountid?.S ?? "",
    expires_at: Number(item.expires_at?.N),
  })).sort((a, b) => a.id.localeCompare(b.id));
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
