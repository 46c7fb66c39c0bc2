import { ORDER_FIELDS, SUMMARY_ATTRIBUTES } from "../../functions/domain/fields";
import { readTemplate, render } from "./template-files";

const orderFields = Object.values(ORDER_FIELDS).sort();
const S = SUMMARY_ATTRIBUTES;

describe("the templates and the schema spell exactly the field constants", () => {
  it("order-request.schema.json requires and allows exactly the order's fields", () => {
    const order = JSON.parse(readTemplate("order-request.schema.json")).properties.order;
    expect([...order.required].sort()).toEqual(orderFields);
    expect(Object.keys(order.properties).sort()).toEqual(orderFields);
  });

  it("order-request.vtl writes exactly the order's fields", () => {
    const order = {
      [ORDER_FIELDS.accountId]: "acct-1",
      [ORDER_FIELDS.vendorId]: "vendor-1",
      [ORDER_FIELDS.orderDate]: "2024-01-02T03:04:05Z",
      [ORDER_FIELDS.city]: "Oslo",
      [ORDER_FIELDS.coffeeType]: "espresso",
      [ORDER_FIELDS.coffeeSize]: "small",
      [ORDER_FIELDS.unitPrice]: 4.1,
      [ORDER_FIELDS.quantity]: 2,
    };
    const { output } = render("order-request.vtl", JSON.stringify({ order }));
    const request = JSON.parse(output);
    expect(Object.keys(request.Item).sort()).toEqual(orderFields);
    expect(request.Item[ORDER_FIELDS.accountId]).toEqual({ S: "acct-1" });
    expect(request.Item[ORDER_FIELDS.unitPrice]).toEqual({ N: "4.1" });
  });

  it("summary-request.vtl keys the summary item by its hash key", () => {
    const { output } = render("summary-request.vtl", "", { path: { accountid: "acct-1" } });
    expect(JSON.parse(output).Key).toEqual({ [S.accountId]: { S: "acct-1" } });
  });

  it("summary-response.vtl answers with the summary's account, total and count", () => {
    const item = {
      [S.accountId]: { S: "acct-1" },
      [S.accountTotal]: { N: "8.2" },
      [S.orderCount]: { N: "2" },
      [S.version]: { N: "3" },
      [S.spilledThrough]: { N: "0" },
    };
    const { output } = render("summary-response.vtl", JSON.stringify({ Item: item }));
    expect(JSON.parse(output)).toEqual({ [S.accountId]: "acct-1", [S.accountTotal]: 8.2, [S.orderCount]: 2 });
  });
});
