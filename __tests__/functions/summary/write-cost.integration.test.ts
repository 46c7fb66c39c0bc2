import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { seededRandom } from "../../../emulator/seeded-random";
import { Decimal } from "../../../functions/domain/decimal";
import type { SummaryDelta } from "../../../functions/domain/types";
import { AccountStateCache } from "../../../functions/summary/account-state-cache";
import { applyDeltas } from "../../../functions/summary/apply-deltas";
import type { SummaryTables } from "../../../functions/summary/types";
import { createSummaryTables, expectMarksInvariant } from "../support/summary-tables";

/**
 * Write units per order of the writer, as DynamoDB Local reports them for UpdateItem (by item size,
 * the larger of before and after, 1 KB units), on traffic that arrives at 100 orders a second and is
 * delivered in batches of 100 (a stream mapping with a 1 s batching window). The details write
 * (1 unit per order) comes on top; the lower bound is a plain per-batch ADD: 1 unit per account per batch.
 */
const ORDERS_PER_SECOND = 100;
const BATCH_SIZE = 100;
const T0 = 1_760_000_000;

interface Traffic {
  batches: SummaryDelta[][];
  orders: number;
  /** What a plain per-batch ADD would write: one unit per distinct account per batch. */
  perBatchAddUnits: number;
}

function traffic(orders: number, accountOf: (index: number) => string): Traffic {
  const records = Array.from({ length: orders }, (_, index) => ({
    eventId: index.toString(16).padStart(32, "0"),
    // Half a second out of phase with the batches, so that every batch spans two creation seconds.
    createdAt: T0 + Math.floor((index + BATCH_SIZE / 2) / ORDERS_PER_SECOND),
    accountId: accountOf(index),
    amount: Decimal("4.10"),
    orderCount: 1,
  }));
  const batches: SummaryDelta[][] = [];
  for (let start = 0; start < records.length; start += BATCH_SIZE)
    batches.push(records.slice(start, start + BATCH_SIZE));
  const perBatchAddUnits = batches.reduce(
    (sum, batch) => sum + new Set(batch.map((r) => r.accountId)).size,
    0,
  );
  return { batches, orders, perBatchAddUnits };
}

describe("write units per order (DynamoDB Local's consumed capacity)", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let raw: DynamoDBClient;
  let tables: SummaryTables;
  let consumed: { units: number; transactions: number };

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    raw = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "TransactWriteItemsCommand") consumed.transactions += 1;
        if (context.commandName !== "UpdateItemCommand") return next(args);
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
        const result = await next(args);
        consumed.units +=
          (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity
            ?.CapacityUnits ?? 0;
        return result;
      },
      { step: "initialize", name: "consumedCapacityForTests" },
    );
  });
  afterAll(async () => {
    raw?.destroy();
    await dynamoDbLocal?.stop();
  });
  beforeEach(async () => {
    tables = await createSummaryTables(raw);
    consumed = { units: 0, transactions: 0 };
  });

  async function measure(load: Traffic) {
    const cache = new AccountStateCache();
    for (const batch of load.batches) {
      expect((await applyDeltas(raw, tables, batch, { cache })).failedEventIds).toEqual([]);
    }
    const detailsUnits = load.orders;
    return {
      totalPerOrder: (detailsUnits + consumed.units) / load.orders,
      lowerBoundPerOrder: (detailsUnits + load.perBatchAddUnits) / load.orders,
    };
  }

  it("one hot account: at most 1.2 units per order in total, no transaction", async () => {
    const load = traffic(3000, () => "acct-hot");
    const { totalPerOrder } = await measure(load);
    expect(consumed.transactions).toBe(0);
    expect(totalPerOrder).toBeLessThanOrEqual(1.2);
    await expectMarksInvariant(raw, tables, "acct-hot", load.batches.flat());
  }, 120_000);

  it.each([100, 10_000])(
    "%i accounts: within 1.1x of the per-batch ADD bound",
    async (accounts) => {
      const random = seededRandom(accounts);
      const load = traffic(3000, () => `acct-${Math.floor(random() * accounts)}`);
      const { totalPerOrder, lowerBoundPerOrder } = await measure(load);
      expect(consumed.transactions).toBe(0);
      expect(totalPerOrder / lowerBoundPerOrder).toBeLessThanOrEqual(1.1);
    },
    120_000,
  );
});
