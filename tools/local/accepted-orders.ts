import type { AcceptedItems } from "../../emulator/faults/item-mutations";
import { DETAILS_HASH_KEY, DETAILS_RANGE_KEY } from "../../functions/domain/fields";

/**
 * The orders the API accepted (POST /order answered 200), for the order mutation faults: keyed by
 * accountid and vendorid in the details table; overwritten with one more unit.
 */
export const ACCEPTED_ORDERS: AcceptedItems = {
  keyOf(request, result) {
    if (
      request.method !== "POST" ||
      result.statusCode !== 200 ||
      !/\/order$/.test(new URL(request.url, "http://x").pathname)
    ) {
      return undefined;
    }
    try {
      const order = (JSON.parse(request.body) as { order?: Record<string, unknown> }).order;
      const account = order?.[DETAILS_HASH_KEY];
      const vendor = order?.[DETAILS_RANGE_KEY];
      return typeof account === "string" && typeof vendor === "string"
        ? { [DETAILS_HASH_KEY]: { S: account }, [DETAILS_RANGE_KEY]: { S: vendor } }
        : undefined;
    } catch {
      return undefined;
    }
  },
  overwrite: {
    UpdateExpression: "ADD quantity :one",
    ConditionExpression: "attribute_exists(accountid)",
    ExpressionAttributeValues: { ":one": { N: "1" } },
  },
};
