import {
  DETAILS_HASH_KEY,
  DETAILS_RANGE_KEY,
  ORDER_FIELDS,
  SUMMARY_ATTRIBUTES,
} from "../../../functions/domain/fields";
import { BUCKET_PREFIX, bucketName, stateOfItem } from "../../../functions/summary/account-state";
import { LEDGER_HASH_KEY } from "../../../functions/summary/ledger";

/**
 * The handlers spell some attribute names in their own modules (their bundles stay as they are); these
 * must be the names the stacks and the tools take from functions/domain/fields.ts.
 */
describe("the handlers' attribute names are the shared ones", () => {
  it("details key: account then vendor", () => {
    expect([DETAILS_HASH_KEY, DETAILS_RANGE_KEY]).toEqual([ORDER_FIELDS.accountId, ORDER_FIELDS.vendorId]);
  });

  it("the ledger is keyed by the summary's hash key", () => {
    expect(LEDGER_HASH_KEY).toBe(SUMMARY_ATTRIBUTES.accountId);
  });

  it("mark buckets use the shared prefix", () => {
    expect(BUCKET_PREFIX).toBe(SUMMARY_ATTRIBUTES.markBucketPrefix);
    expect(bucketName(42)).toBe(`${SUMMARY_ATTRIBUTES.markBucketPrefix}42`);
  });

  it("an item's version and watermark are read from the shared attribute names", () => {
    const state = stateOfItem("acct-1", {
      [SUMMARY_ATTRIBUTES.accountId]: { S: "acct-1" },
      [SUMMARY_ATTRIBUTES.version]: { N: "7" },
      [SUMMARY_ATTRIBUTES.spilledThrough]: { N: "1700000000" },
    });
    expect(state.version).toBe(7);
    expect(state.spilledThrough).toBe(1700000000);
  });
});
