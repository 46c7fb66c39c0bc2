/**
 * Attribute names the API, the tables, the handlers and the tools must agree on. No imports, so that the
 * stacks, the handlers' bundles and the tools can all read them. The VTL templates and the request schema
 * spell the same names in their own text; a test holds them to these.
 */

/** An order: the request's `order` object, the details table's item and its stream images. */
export const ORDER_FIELDS = {
  accountId: "accountid",
  vendorId: "vendorid",
  orderDate: "orderdate",
  city: "city",
  coffeeType: "coffeetype",
  coffeeSize: "coffeesize",
  unitPrice: "unitprice",
  quantity: "quantity",
} as const;

/** Details table key: one order per account and vendor. */
export const DETAILS_HASH_KEY = ORDER_FIELDS.accountId;
export const DETAILS_RANGE_KEY = ORDER_FIELDS.vendorId;

/** An account's summary item in the summary table, and (the first three) the API's summary answer. */
export const SUMMARY_ATTRIBUTES = {
  /** Hash key of the summary table, and of the ledger. */
  accountId: "accountid",
  /** Exact decimal sum of unitprice x quantity over the account's orders. */
  accountTotal: "account_total",
  orderCount: "order_count",
  /** Write counter, incremented by every write of the projection. */
  version: "v",
  /** Watermark: marks of records created at or before it are in the ledger. */
  spilledThrough: "spilled_through",
  /** Prefix of the mark buckets, `m<creation second>`, holding the eventIDs of applied records. */
  markBucketPrefix: "m",
} as const;
