/**
 * Where the marks of applied stream records live: facts the handlers and the Terraform (ledger key
 * schema, TTL) must agree on. No imports, so that synthesis can read them without loading the SDK.
 */

/** Ledger hash key: the account whose records a range item marks. */
export const LEDGER_HASH_KEY = "accountid";

/** Ledger range key: the watermark a range item starts after (its records were created after this second). */
export const LEDGER_RANGE_KEY = "spilled_after";

/** Attribute holding a ledger item's expiry (epoch seconds), the table's TTL attribute. */
export const LEDGER_TTL_ATTRIBUTE = "expires_at";

/** Stream retention (24 h) plus DLQ retention (14 days): no redelivery outlives the mark of its record. */
export const LEDGER_TTL_SECONDS = 15 * 24 * 60 * 60;

/**
 * Records per conditional write. Each adds `contains(#bN, :iN) OR ` to the condition: two of the 300
 * operators and functions an expression may hold, and about 25 of its 4 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters).
 */
export const MAX_RECORDS_PER_WRITE = 100;
