import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { javaFind } from "../../emulator/apigateway/java-regex";
import { validateBody } from "../../emulator/apigateway/request-validation";
import { acceptedOrderDate, daysInMonth } from "../support/order-arbitraries";

const schema = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "templates", "order-request.schema.json"), "utf8"),
);
/** The local API Gateway's draft-04 validator, which judges numbers exactly as AWS's does. */
const validate = (body: unknown) => validateBody(schema, JSON.stringify(body)).valid;
/** The same, on a body text whose unitprice literal JavaScript numbers cannot carry. */
const validateWithPrice = (price: string) =>
  validateBody(
    schema,
    JSON.stringify({ order: { ...good, unitprice: 0 } }).replace('"unitprice":0', `"unitprice":${price}`),
  ).valid;

const good = {
  accountid: "acct-0042",
  vendorid: "vendor-7",
  orderdate: "2021-12-01 10:15:30.123456",
  city: "Seattle",
  coffeetype: "Latte",
  coffeesize: "Large",
  unitprice: 3.5,
  quantity: 2,
};

describe("order-request.schema.json (draft-04 API Gateway model)", () => {
  it("accepts examples/order.json, the example of docs/api.md", () => {
    const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "order.json"), "utf8"));
    expect(validate(example)).toBe(true);
  });

  it("declares draft-04", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-04/schema#");
  });

  it.each([
    ["the demo client's body", good],
    ["an ISO-style date without fraction", { ...good, orderdate: "2021-12-01T10:15:30" }],
    ["a zero price", { ...good, unitprice: 0 }],
    ["the largest price and quantity", { ...good, unitprice: 10000, quantity: 1000 }],
    ["hostile but well-typed strings", { ...good, city: '"}, "x": {"S": "y', coffeetype: "😀\\'" }],
  ])("accepts %s", (_name, order) => {
    expect(validate({ order })).toBe(true);
  });

  const without = (field: string) =>
    Object.fromEntries(Object.entries(good).filter(([key]) => key !== field));

  it.each<[string, unknown]>([
    ["no order", {}],
    ["order not an object", { order: "x" }],
    ["an extra top-level field", { order: good, extra: 1 }],
    ["an extra order field", { order: { ...good, TableName: "other" } }],
    ...Object.keys(good).map((field): [string, unknown] => [`missing ${field}`, { order: without(field) }]),
    ["empty accountid", { order: { ...good, accountid: "" } }],
    ["empty vendorid", { order: { ...good, vendorid: "" } }],
    ["numeric accountid", { order: { ...good, accountid: 42 } }],
    ["oversize accountid", { order: { ...good, accountid: "a".repeat(65) } }],
    ["oversize city", { order: { ...good, city: "c".repeat(101) } }],
    ["oversize coffeetype", { order: { ...good, coffeetype: "t".repeat(51) } }],
    ["oversize coffeesize", { order: { ...good, coffeesize: "s".repeat(21) } }],
    ["price as a string", { order: { ...good, unitprice: "3.5" } }],
    ["negative price", { order: { ...good, unitprice: -0.01 } }],
    ["price above the bound", { order: { ...good, unitprice: 10000.01 } }],
    ["quantity zero", { order: { ...good, quantity: 0 } }],
    ["negative quantity", { order: { ...good, quantity: -1 } }],
    ["fractional quantity", { order: { ...good, quantity: 1.5 } }],
    ["quantity above the bound", { order: { ...good, quantity: 1001 } }],
    ["quantity as a string", { order: { ...good, quantity: "2" } }],
    ["a date that is not a date", { order: { ...good, orderdate: "yesterday" } }],
    ["a date with trailing text", { order: { ...good, orderdate: "2021-12-01 10:15:30.123456 extra" } }],
    ["null city", { order: { ...good, city: null } }],
  ])("rejects %s", (_name, body) => {
    expect(validate(body)).toBe(false);
  });

  describe("unitprice: 0 to 10000, at most 20 decimal places, judged exactly", () => {
    it.each([
      "12.90000000000000004",
      "9999.99999999999999999999",
      "0.00000000000000000001",
      "10000.00000000000000000000000",
      "4.10",
      "1e-20",
      "1E+4",
    ])("accepts %s", (price) => {
      expect(validateWithPrice(price)).toBe(true);
    });

    it.each([
      ["more than 20 decimal places", "12.900000000000000000004"],
      ["just above 10000", "10000.0000000000000001"],
      ["just below 0", "-0.00000000000000000001"],
      ["an exponent beyond 20 places", "1e-21"],
      ["far above the bound", "123456789012345678901234567890"],
    ])("refuses %s (%s)", (_name, price) => {
      expect(validateWithPrice(price)).toBe(false);
    });
  });

  describe("orderdate", () => {
    const orderdate = schema.properties.order.properties.orderdate;
    /** The model's verdict under JSON Schema's ECMA 262 regex (Ajv) and under java.util.regex find(). */
    const verdicts = (value: string) => [
      validate({ order: { ...good, orderdate: value } }),
      javaFind(value, orderdate.pattern),
    ];

    it.each([
      "2026-12-01T07:53:00.123Z",
      "2026-12-01T08:53:00+01:00",
      "2026-12-01T08:53:00.123456789-05:30",
      "2021-12-01 10:15:30.123456",
      "2021-12-01 10:15:30",
      "2021-12-01t10:15:30z",
      "2024-02-29T23:59:59-00:00",
      "2000-02-29 00:00:00",
      "0000-01-01T00:00:00+23:59",
      "9999-12-31T23:59:59.999999999Z",
    ])("accepts %s under both regex dialects", (value) => {
      expect(verdicts(value)).toEqual([true, true]);
    });

    it.each([
      ["an impossible month, day and time", "2021-13-45 99:99:99"],
      ["month 00", "2021-00-10T10:00:00Z"],
      ["day 00", "2021-01-00T10:00:00Z"],
      ["day 32", "2021-01-32T10:00:00Z"],
      ["April 31", "2021-04-31T10:00:00Z"],
      ["February 30", "2024-02-30T10:00:00Z"],
      ["February 29 of a common year", "2023-02-29T10:00:00Z"],
      ["February 29 of 1900", "1900-02-29T10:00:00Z"],
      ["hour 24", "2021-12-01T24:00:00Z"],
      ["minute 60", "2021-12-01T10:60:00Z"],
      ["a leap second", "2021-12-31T23:59:60Z"],
      ["10 fraction digits", "2021-12-01T10:15:30.1234567890Z"],
      ["an empty fraction", "2021-12-01T10:15:30.Z"],
      ["offset hour 24", "2021-12-01T10:15:30+24:00"],
      ["offset minute 60", "2021-12-01T10:15:30+01:60"],
      ["offset without colon", "2021-12-01T10:15:30+0100"],
      ["no seconds", "2021-12-01T10:15Z"],
      ["no time", "2021-12-01"],
      ["a two-digit year", "21-12-01T10:15:30Z"],
      ["a trailing line feed", "2021-12-01T10:15:30Z\n"],
      ["a trailing CR LF", "2021-12-01T10:15:30\r\n"],
      ["a trailing line separator", "2021-12-01T10:15:30\u2028"],
      ["a leading line feed", "\n2021-12-01T10:15:30"],
      ["non-ASCII digits", "\u0662021-12-01T10:15:30"],
    ])("refuses %s under both regex dialects", (_name, value) => {
      expect(verdicts(value)).toEqual([false, false]);
    });

    it("accepts every shape of the contract (property)", () => {
      fc.assert(
        fc.property(acceptedOrderDate, (value) => {
          expect(value.length).toBeLessThanOrEqual(orderdate.maxLength);
          expect(verdicts(value)).toEqual([true, true]);
        }),
        { numRuns: 500 },
      );
    });

    it("accepts digits in the date-time shape exactly when they name a real date and time (property)", () => {
      const digits = (width: number) =>
        fc.integer({ min: 0, max: 10 ** width - 1 }).map((n) => String(n).padStart(width, "0"));
      fc.assert(
        fc.property(
          fc.tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2)),
          ([year, month, day, hour, minute, second]) => {
            const real =
              Number(month) >= 1 &&
              Number(month) <= 12 &&
              Number(day) >= 1 &&
              Number(day) <= daysInMonth(Number(year), Number(month)) &&
              Number(hour) <= 23 &&
              Number(minute) <= 59 &&
              Number(second) <= 59;
            const value = `${year}-${month}-${day}T${hour}:${minute}:${second}Z`;
            expect(verdicts(value)).toEqual([real, real]);
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
});
