import type { AcceptedItems } from "../../emulator/faults/item-mutations";

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
      const order = (JSON.parse(request.body) as { order?: { accountid?: unknown; vendorid?: unknown } })
        .order;
      return typeof order?.accountid === "string" && typeof order.vendorid === "string"
        ? { accountid: { S: order.accountid }, vendorid: { S: order.vendorid } }
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
