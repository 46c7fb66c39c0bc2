/**
 * The ledger of applied stream records: facts the handlers and the Terraform (table TTL, batch size
 * limits) must agree on. No imports, so that synthesis can read them without loading the SDK.
 */

/** Attribute holding a ledger item's expiry (epoch seconds), the table's TTL attribute. */
export const LEDGER_TTL_ATTRIBUTE = "expires_at";

/** Stream retention (24 h) plus DLQ retention (14 days): no redelivery outlives its ledger entry. */
export const LEDGER_TTL_SECONDS = 15 * 24 * 60 * 60;

/** TransactWriteItems holds at most 100 actions: the summary update plus one ledger entry per record. */
export const MAX_RECORDS_PER_TRANSACTION = 99;
