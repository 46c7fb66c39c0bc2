import { Decimal, ZERO } from "./decimal";
import { InvalidOrderError } from "./errors";

/**
 * Amount of one order line, unitprice × quantity, computed exactly from DynamoDB number text.
 * Quantity must be a non-negative integer and unitprice a non-negative number.
 */
export function orderAmount(unitprice: string, quantity: string): Decimal {
  const price = parseDecimal("unitprice", unitprice);
  const count = parseDecimal("quantity", quantity);
  if (price.lt(ZERO)) {
    throw new InvalidOrderError("unitprice", unitprice, "must not be negative");
  }
  if (count.lt(ZERO)) {
    throw new InvalidOrderError("quantity", quantity, "must not be negative");
  }
  if (!count.eq(count.round(0, Decimal.roundDown))) {
    throw new InvalidOrderError("quantity", quantity, "must be an integer");
  }
  return price.times(count);
}

function parseDecimal(attribute: string, text: unknown): Decimal {
  if (typeof text !== "string") {
    throw new InvalidOrderError(attribute, text, "must be number text");
  }
  try {
    return Decimal(text);
  } catch {
    throw new InvalidOrderError(attribute, text, "is not a number");
  }
}
