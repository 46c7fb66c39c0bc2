import type { DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import { Decimal, toDecimalText } from "../../../functions/domain/decimal";
import {
  DEFAULT_CREATED_AT,
  insertRecord,
  modifyRecord,
  type OrderLine,
  removeRecord,
} from "./stream-records";

/** The stream records a sequence of writes to the details table produces, and the table afterwards. */
export interface OrderHistory {
  records: DynamoDBRecord[];
  finalOrders: OrderLine[];
}

type Operation = { kind: "put"; order: OrderLine } | { kind: "delete"; accountid: string; vendorid: string };

/** Decimal text with 0–3 fraction digits, e.g. "0.1", "12.345", "7". */
export const unitpriceText = fc
  .tuple(fc.nat({ max: 99_999 }), fc.integer({ min: 0, max: 3 }))
  .map(([digits, scale]) => {
    const padded = String(digits).padStart(scale + 1, "0");
    return scale === 0 ? padded : `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  });

/** acct-1 is hot: it takes most orders, so its marks spill to the ledger within one history. */
const accountid = fc.oneof(
  { weight: 6, arbitrary: fc.constant("acct-1") },
  { weight: 1, arbitrary: fc.constantFrom("acct-2", "acct-3") },
);
const vendorid = fc.constantFrom("v-1", "v-2", "v-3");

const orderLine: fc.Arbitrary<OrderLine> = fc.record({
  accountid,
  vendorid,
  unitprice: unitpriceText,
  quantity: fc.nat({ max: 20 }).map(String),
});

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: orderLine.map((order) => ({ kind: "put" as const, order })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), accountid, vendorid }) },
);

/**
 * Replays writes like DynamoDB: INSERT/MODIFY/REMOVE records, none for a write that changes nothing.
 * Records are created recordsPerSecond to a second, from DEFAULT_CREATED_AT on.
 */
function replay(operations: Operation[], recordsPerSecond = 1): OrderHistory {
  const table = new Map<string, OrderLine>();
  const records: DynamoDBRecord[] = [];
  const nextEventId = () => `event-${records.length + 1}`;
  const createdAt = () => DEFAULT_CREATED_AT + Math.floor(records.length / recordsPerSecond);
  for (const op of operations) {
    const key =
      op.kind === "put" ? `${op.order.accountid}|${op.order.vendorid}` : `${op.accountid}|${op.vendorid}`;
    const existing = table.get(key);
    if (op.kind === "put") {
      if (!existing) {
        records.push(insertRecord(nextEventId(), op.order, createdAt()));
      } else if (existing.unitprice !== op.order.unitprice || existing.quantity !== op.order.quantity) {
        records.push(modifyRecord(nextEventId(), existing, op.order, createdAt()));
      }
      table.set(key, op.order);
    } else if (existing) {
      records.push(removeRecord(nextEventId(), existing, createdAt()));
      table.delete(key);
    }
  }
  return { records, finalOrders: [...table.values()] };
}

/** Histories of up to maxOperations writes; size "medium" or larger makes long histories common. */
export const orderHistoryOf = (options: { maxOperations: number; size?: fc.SizeForArbitrary }) =>
  fc
    .tuple(
      fc.array(operation, { maxLength: options.maxOperations, size: options.size }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([operations, recordsPerSecond]) => replay(operations, recordsPerSecond));

export const orderHistory: fc.Arbitrary<OrderHistory> = orderHistoryOf({ maxOperations: 60 });

export interface ComparableSummary {
  [accountId: string]: { amount: string; orderCount: number };
}

/** What the summary table should hold for a details table in this state, recomputed from scratch. */
export function summaryOfOrders(orders: readonly OrderLine[]): ComparableSummary {
  const summary: ComparableSummary = {};
  for (const order of orders) {
    const current = summary[order.accountid] ?? { amount: "0", orderCount: 0 };
    summary[order.accountid] = {
      amount: toDecimalText(
        Decimal(current.amount).plus(Decimal(order.unitprice).times(Decimal(order.quantity))),
      ),
      orderCount: current.orderCount + 1,
    };
  }
  return summary;
}
