import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, NumberValue, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { Decimal } from "../../../functions/domain/decimal";
import type { AccountSummaryChange } from "../../../functions/domain/types";
import { LEDGER_TTL_SECONDS, MAX_RECORDS_PER_TRANSACTION } from "../../../functions/summary/ledger";
import { summaryTransaction } from "../../../functions/summary/summary-transaction";
import type { SummaryTables } from "../../../functions/summary/types";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../local/dynamodb-local";
import { createSummaryTables, readLedger, readStoredSummary, readSummary } from "../support/summary-tables";

const now = new Date("2025-01-01T00:00:00Z");
const change = (amount: string, eventIds: string[], orderCount = eventIds.length): AccountSummaryChange => ({
  accountId: "acct-1",
  amount: Decimal(amount),
  orderCount,
  eventIds,
});
const tablesForShape: SummaryTables = { summaryTableName: "summary", ledgerTableName: "ledger" };

describe("summaryTransaction (shape)", () => {
  it("puts the summary ADD first, then one conditional ledger put per eventID", () => {
    const input = summaryTransaction(tablesForShape, change("0.3", ["e1", "e2"]), now);
    const [update, ...puts] = input.TransactItems ?? [];
    expect(update?.Update?.UpdateExpression).toBe("ADD account_total :amount, order_count :count");
    const amount = update?.Update?.ExpressionAttributeValues?.[":amount"];
    expect(amount).toBeInstanceOf(NumberValue);
    expect(String(amount)).toBe("0.3");
    expect(update?.Update?.ExpressionAttributeValues?.[":count"]).toBe(2);
    expect(puts.map((put) => put.Put?.Item)).toEqual([
      { id: "e1", accountid: "acct-1", expires_at: now.getTime() / 1000 + LEDGER_TTL_SECONDS },
      { id: "e2", accountid: "acct-1", expires_at: now.getTime() / 1000 + LEDGER_TTL_SECONDS },
    ]);
    expect(puts.every((put) => put.Put?.ConditionExpression === "attribute_not_exists(id)")).toBe(true);
  });

  it("keeps a ledger entry at least as long as stream retention plus DLQ retention", () => {
    // The entry is written at the first delivery, so it outlives the last possible redelivery of its record.
    expect(LEDGER_TTL_SECONDS).toBeGreaterThanOrEqual(24 * 3600 + 14 * 24 * 3600);
  });

  it("refuses more records than fit next to the summary update in one transaction", () => {
    const tooMany = Array.from({ length: MAX_RECORDS_PER_TRANSACTION + 1 }, (_, index) => `e${index}`);
    expect(() => summaryTransaction(tablesForShape, change("1", tooMany), now)).toThrow(RangeError);
    expect(MAX_RECORDS_PER_TRANSACTION + 1).toBe(100);
  });
});

describe("summaryTransaction on DynamoDB Local", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let clients: ReturnType<typeof createDynamoDbLocalClients>;
  let raw: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let tables: SummaryTables;

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    clients = createDynamoDbLocalClients(dynamoDbLocal.endpoint);
    raw = clients.dynamoDb;
    documents = clients.documents;
  });
  afterAll(async () => {
    clients?.destroy();
    await dynamoDbLocal?.stop();
  });
  beforeEach(async () => {
    tables = await createSummaryTables(raw);
  });

  const send = (accountChange: AccountSummaryChange) =>
    documents.send(new TransactWriteCommand(summaryTransaction(tables, accountChange, now)));

  it("adds decimal text exactly: 0.1 + 0.2 is stored as 0.3", async () => {
    await send(change("0.1", ["e1"]));
    await send(change("0.2", ["e2"]));
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "0.3", order_count: "2" });
  });

  it("keeps 38 significant digits and negative amounts exact", async () => {
    await send(change("1234567890123456789012345678901234.5678", ["e1"]));
    await send(change("-0.0001", ["e2"], 0));
    expect(await readSummary(raw, tables, "acct-1")).toEqual({
      account_total: "1234567890123456789012345678901234.5677",
      order_count: "1",
    });
  });

  it("cancels the whole transaction when a ledger id exists, with ConditionalCheckFailed at exactly that item", async () => {
    await send(change("1", ["e2", "e4"]));
    let thrown: unknown;
    try {
      await send(change("100", ["e1", "e2", "e3", "e4"]));
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).name).toBe("TransactionCanceledException");
    expect(
      (thrown as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map(
        (reason) => reason.Code,
      ),
    ).toEqual(["None", "None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed"]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "1", order_count: "2" });
    expect((await readLedger(raw, tables)).map((entry) => entry.id)).toEqual(["e2", "e4"]);
  });

  it("serialises concurrent transactions on one summary item (DynamoDB Local never reports TransactionConflict)", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => send(change("0.05", [`c${index}`]))),
    );
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "1", order_count: "20" });
  });

  it("returns sums with trailing zeros on DynamoDB Local (AWS would return 1), so tests compare numbers canonically", async () => {
    await send(change("0.25", ["e1"]));
    await send(change("0.75", ["e2"]));
    expect(await readStoredSummary(raw, tables, "acct-1")).toEqual({
      account_total: "1.00",
      order_count: "2",
    });
  });
});
