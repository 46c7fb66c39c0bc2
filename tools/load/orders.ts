import Big from "big.js";
import { seededRandom } from "../../emulator/seeded-random";
import { type DETAILS_HASH_KEY, type DETAILS_RANGE_KEY, ORDER_FIELDS } from "../../functions/domain/fields";
import type { AccountSummary } from "../../functions/domain/types";

/** An order as the API takes it (the request's `order` object). */
export interface Order {
  [ORDER_FIELDS.accountId]: string;
  [ORDER_FIELDS.vendorId]: string;
  [ORDER_FIELDS.orderDate]: string;
  [ORDER_FIELDS.city]: string;
  [ORDER_FIELDS.coffeeType]: string;
  [ORDER_FIELDS.coffeeSize]: string;
  [ORDER_FIELDS.unitPrice]: number;
  [ORDER_FIELDS.quantity]: number;
}

/** What identifies an order: the details table's key. */
export type OrderKey = Pick<Order, typeof DETAILS_HASH_KEY | typeof DETAILS_RANGE_KEY>;

export const CITIES = [
  "Seattle",
  "Portland",
  "San Francisco",
  "New York",
  "Chicago",
  "Austin",
  "Denver",
  "Boston",
];
export const COFFEE_TYPES = [
  "Espresso",
  "Americano",
  "Latte",
  "Cappuccino",
  "Mocha",
  "Macchiato",
  "Flat White",
];
/** Price of a coffee by size, in dollars (exact decimal text). */
export const PRICES_BY_SIZE: Readonly<Record<string, string>> = {
  Small: "2.95",
  Medium: "3.45",
  Large: "3.95",
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function orderDate(random: () => number): string {
  const day = 1 + Math.floor(random() * 28);
  const seconds = Math.floor(random() * 86400);
  const micros = Math.floor(random() * 1_000_000);
  const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return `2021-12-${String(day).padStart(2, "0")} ${hh}:${mm}:${ss}.${String(micros).padStart(6, "0")}`;
}

export function randomOrder(random: () => number, accountid: string, vendorid: string): Order {
  const size = pick(random, Object.keys(PRICES_BY_SIZE));
  return {
    accountid,
    vendorid,
    orderdate: orderDate(random),
    city: pick(random, CITIES),
    coffeetype: pick(random, COFFEE_TYPES),
    coffeesize: size,
    unitprice: Number(PRICES_BY_SIZE[size]),
    quantity: 1 + Math.floor(random() * 5),
  };
}

export interface LoadPlan {
  accounts: string[];
  /** Sent first, all distinct keys. */
  originals: Order[];
  /** Sent after every original landed: new values for existing keys, each key at most once. */
  overwrites: Order[];
}

/**
 * `orders` requests over `accounts` accounts; `overwriteRate` of them rewrite an order already sent
 * (same accountid and vendorid), which the projection must count once, at its last value.
 */
export function planLoad(options: {
  orders: number;
  accounts: number;
  overwriteRate: number;
  runId: string;
  seed: number;
  /** The first `count` accounts take `share` of the orders between them; the rest go round the others. */
  hotAccounts?: { count: number; share: number };
}): LoadPlan {
  const random = seededRandom(options.seed);
  const accounts = Array.from({ length: options.accounts }, (_, i) => `${options.runId}-acct-${i + 1}`);
  const hot = Math.min(options.hotAccounts?.count ?? 0, accounts.length - 1);
  const accountOf = (i: number): string => {
    if (hot <= 0) return accounts[i % accounts.length];
    const draw = random();
    const share = options.hotAccounts?.share ?? 0;
    return draw < share
      ? accounts[Math.floor((draw / share) * hot)]
      : accounts[hot + (i % (accounts.length - hot))];
  };
  const overwriteCount = Math.min(
    Math.floor(options.orders * options.overwriteRate),
    Math.floor(options.orders / 2),
  );
  const originals = Array.from({ length: options.orders - overwriteCount }, (_, i) =>
    randomOrder(random, accountOf(i), `order-${String(i + 1).padStart(6, "0")}`),
  );
  const overwrites = originals
    .slice(0, overwriteCount)
    .map((original) => randomOrder(random, original.accountid, original.vendorid));
  return { accounts, originals, overwrites };
}

/** What each account's summary must be once every order is projected: last value per key. */
export function expectedSummaries(orders: readonly Order[], accounts: readonly string[]): AccountSummary[] {
  const latest = new Map<string, Order>();
  for (const order of orders) latest.set(`${order.accountid}\u0000${order.vendorid}`, order);
  return accounts.map((accountid) => {
    const mine = [...latest.values()].filter((o) => o.accountid === accountid);
    const total = mine.reduce(
      (sum, o) => sum.plus(new Big(String(o.unitprice)).times(o.quantity)),
      new Big(0),
    );
    return { accountId: accountid, accountTotal: total, orderCount: mine.length };
  });
}
