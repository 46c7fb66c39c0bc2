import Big from "big.js";

/**
 * Exact decimal arithmetic for money. A private big.js constructor in strict mode:
 * it only accepts decimal text, so a JS float can never slip into a calculation.
 */
export const Decimal = Big();
Decimal.strict = true;

export type Decimal = Big;

export const ZERO = Decimal("0");

/** Plain decimal notation (never exponential), the text DynamoDB stores for a number. */
export function toDecimalText(value: Decimal): string {
  return value.toFixed();
}
