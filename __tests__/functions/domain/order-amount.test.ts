import { toDecimalText } from "../../../functions/domain/decimal";
import { InvalidOrderError } from "../../../functions/domain/errors";
import { orderAmount } from "../../../functions/domain/order-amount";

const amountText = (unitprice: string, quantity: string) => toDecimalText(orderAmount(unitprice, quantity));

describe("orderAmount", () => {
  it.each([
    ["0.1", "3", "0.3"],
    ["3.5", "2", "7"],
    ["1.15", "7", "8.05"],
    ["0.07", "100", "7"],
    ["19.99", "0", "0"],
    ["123456789012345678.123456789", "9", "1111111101111111103.111111101"],
    ["1E+2", "3", "300"],
  ])("%s × %s is exactly %s", (unitprice, quantity, expected) => {
    expect(amountText(unitprice, quantity)).toBe(expected);
  });

  it("never uses exponential notation for tiny amounts", () => {
    expect(amountText("0.0000001", "1")).toBe("0.0000001");
  });

  it.each([
    ["quantity", "3.5", "2.5"],
    ["quantity", "3.5", "-1"],
    ["quantity", "3.5", "two"],
    ["quantity", "3.5", ""],
    ["unitprice", "abc", "1"],
    ["unitprice", "-0.5", "1"],
    ["unitprice", "NaN", "1"],
    ["unitprice", "Infinity", "1"],
  ])("rejects an invalid %s (unitprice %j, quantity %j)", (attribute, unitprice, quantity) => {
    let thrown: unknown;
    try {
      orderAmount(unitprice, quantity);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOrderError);
    expect((thrown as InvalidOrderError).attribute).toBe(attribute);
  });

  it("rejects values that are not text (e.g. a JS number from untrusted JSON)", () => {
    expect(() => orderAmount(3.5 as unknown as string, "1")).toThrow(InvalidOrderError);
  });
});
