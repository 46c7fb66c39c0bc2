import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";

const schema = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "templates", "order-request.schema.json"), "utf8"),
);
const validate = new AjvDraft04({ allErrors: true }).compile(schema);

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
});
