import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { seededRandom } from "../../emulator/seeded-random";
import { ORDER_FIELDS as F } from "../../functions/domain/fields";
import type { AccountSummary } from "../../functions/domain/types";
import { type ApiTarget, postOrder } from "../load/api-client";
import { inParallel } from "../load/in-parallel";
import { expectedSummaries, type Order, type OrderKey, planLoad } from "../load/orders";

export interface WorkloadOptions {
  /** Orders: POSTed originals and overwrites of them by another writer, together. */
  orders: number;
  accounts: number;
  /**
   * Fraction of orders that overwrite an earlier order (same accountid and vendorid), straight in the
   * details table as another writer would (a MODIFY): the API itself refuses to overwrite (409).
   */
  overwriteRate: number;
  /** Fraction of orders deleted afterwards, straight from the details table (the API has no delete). */
  deleteRate: number;
  /** Records made unprocessable on purpose (no valid price), in accounts of their own. */
  poison: number;
  runId: string;
  seed: number;
  concurrency: number;
  /** A few accounts taking most orders, so their marks spill to the ledger and late records take the ledger path. */
  hotAccounts?: { count: number; share: number };
}

export interface WorkloadResult {
  accounts: string[];
  sent: number;
  accepted: number;
  rejected: { status: number; text: string }[];
  overwrites: number;
  deletes: OrderKey[];
  poison: OrderKey[];
  /** What every account's summary must be: the last accepted value of each order not deleted. */
  expected: AccountSummary[];
  /** The orders that must still be in the details table, with their last values. */
  surviving: Order[];
}

export interface WorkloadTarget extends ApiTarget {
  dynamodb: DynamoDBClient;
  detailsTable: string;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** An order as the API stores it in the details table. */
function detailsItem(order: Order) {
  return {
    [F.accountId]: { S: order.accountid },
    [F.vendorId]: { S: order.vendorid },
    [F.orderDate]: { S: order.orderdate },
    [F.city]: { S: order.city },
    [F.coffeeType]: { S: order.coffeetype },
    [F.coffeeSize]: { S: order.coffeesize },
    [F.unitPrice]: { N: String(order.unitprice) },
    [F.quantity]: { N: String(order.quantity) },
  };
}

const keyOf = (o: OrderKey) => `${o.accountid}\u0000${o.vendorid}`;

/**
 * Drives one stack like its users and operators would: orders through the API, overwrites of some and
 * deletes of others straight in the details table, and a few records no projection can handle.
 */
export async function runWorkload(target: WorkloadTarget, options: WorkloadOptions): Promise<WorkloadResult> {
  const plan = planLoad({
    orders: options.orders,
    accounts: options.accounts,
    overwriteRate: options.overwriteRate,
    runId: options.runId,
    seed: options.seed,
    hotAccounts: options.hotAccounts,
  });
  const random = seededRandom(options.seed + 1);
  const overwritten = new Set(plan.overwrites.map(keyOf));
  const deletable = plan.originals.filter((o) => !overwritten.has(keyOf(o)));
  const deletes: OrderKey[] = shuffled(deletable, random)
    .slice(0, Math.ceil(options.deleteRate * options.orders))
    .map(({ accountid, vendorid }) => ({ accountid, vendorid }));
  const poison: OrderKey[] = Array.from({ length: options.poison }, (_, i) => ({
    accountid: `${options.runId}-poison-${i + 1}`,
    vendorid: "unprocessable",
  }));

  const accepted = new Map<string, Order>();
  const rejected: { status: number; text: string }[] = [];
  const send = async (order: Order) => {
    const answer = await postOrder(target, order);
    if (answer.status === 200) accepted.set(keyOf(order), order);
    else rejected.push(answer);
  };
  const writePoison = async (key: OrderKey) => {
    await target.dynamodb.send(
      new PutItemCommand({
        TableName: target.detailsTable,
        Item: {
          [F.accountId]: { S: key.accountid },
          [F.vendorId]: { S: key.vendorid },
          [F.unitPrice]: { S: "not a number" },
          [F.quantity]: { N: "1" },
        },
      }),
    );
  };

  const half = Math.floor(plan.originals.length / 2);
  await inParallel(plan.originals.slice(0, half), options.concurrency, send);
  await Promise.all(poison.map(writePoison));
  await inParallel(plan.originals.slice(half), options.concurrency, send);

  const deleteOrder = async (key: OrderKey) => {
    await target.dynamodb.send(
      new DeleteItemCommand({
        TableName: target.detailsTable,
        Key: { [F.accountId]: { S: key.accountid }, [F.vendorId]: { S: key.vendorid } },
      }),
    );
    accepted.delete(keyOf(key));
  };
  const overwrite = async (order: Order) => {
    await target.dynamodb.send(
      new PutItemCommand({ TableName: target.detailsTable, Item: detailsItem(order) }),
    );
    accepted.set(keyOf(order), order);
  };
  type Change = { overwrite: Order } | { delete: OrderKey };
  const changes: Change[] = shuffled<Change>(
    [...plan.overwrites.map((overwrite) => ({ overwrite })), ...deletes.map((key) => ({ delete: key }))],
    random,
  );
  await inParallel(changes, options.concurrency, (change) =>
    "overwrite" in change ? overwrite(change.overwrite) : deleteOrder(change.delete),
  );

  const surviving = [...accepted.values()];
  return {
    accounts: plan.accounts,
    sent: plan.originals.length + plan.overwrites.length,
    accepted: plan.originals.length + plan.overwrites.length - rejected.length,
    rejected,
    overwrites: plan.overwrites.length,
    deletes,
    poison,
    expected: expectedSummaries(surviving, plan.accounts),
    surviving,
  };
}
