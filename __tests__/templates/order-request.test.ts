import fc from "fast-check";
import { hostileStrings, render } from "./template-files";

const demoOrder = {
  accountid: "acct-0042",
  vendorid: "vendor-7",
  orderdate: "2021-12-01 10:15:30.123456",
  city: "Seattle",
  coffeetype: "Latte",
  coffeesize: "Large",
  unitprice: 3.5,
  quantity: 2,
};

function renderPutItem(order: Record<string, unknown>) {
  const { output } = render("order-request.vtl", JSON.stringify({ order }));
  return { text: output, request: JSON.parse(output) };
}

describe("order-request.vtl", () => {
  it("turns the demo client's order into a create-only PutItem on the details table", () => {
    const { request } = renderPutItem(demoOrder);
    const content = {
      orderdate: { S: "2021-12-01 10:15:30.123456" },
      city: { S: "Seattle" },
      coffeetype: { S: "Latte" },
      coffeesize: { S: "Large" },
      unitprice: { N: "3.5" },
      quantity: { N: "2" },
    };
    expect(request).toEqual({
      TableName: "details-table",
      Item: { accountid: { S: "acct-0042" }, vendorid: { S: "vendor-7" }, ...content },
      ConditionExpression:
        "attribute_not_exists(#accountid) OR (#orderdate = :orderdate AND #city = :city AND " +
        "#coffeetype = :coffeetype AND #coffeesize = :coffeesize AND #unitprice = :unitprice AND " +
        "#quantity = :quantity)",
      ExpressionAttributeNames: Object.fromEntries(
        ["accountid", ...Object.keys(content)].map((name) => [`#${name}`, name]),
      ),
      ExpressionAttributeValues: Object.fromEntries(
        Object.entries(content).map(([name, value]) => [`:${name}`, value]),
      ),
    });
  });

  it("keeps the decimal text of numbers as DynamoDB N strings", () => {
    const { output } = render(
      "order-request.vtl",
      '{"order": {"accountid": "a", "vendorid": "v", "orderdate": "2021-12-01 10:15:30", "city": "c",' +
        ' "coffeetype": "t", "coffeesize": "s", "unitprice": 1234.5678, "quantity": 1000}}',
    );
    const item = JSON.parse(output).Item;
    expect(item.unitprice).toEqual({ N: "1234.5678" });
    expect(item.quantity).toEqual({ N: "1000" });
    expect(output).toContain('"unitprice": {"N": "1234.5678"}');
  });

  it.each(hostileStrings)(
    "round-trips the hostile string %j exactly in every string attribute",
    (hostile) => {
      const order = {
        ...demoOrder,
        accountid: hostile,
        vendorid: hostile,
        orderdate: hostile,
        city: hostile,
        coffeetype: hostile,
        coffeesize: hostile,
      };
      const { request } = renderPutItem(order);
      expect(Object.keys(request).sort()).toEqual([
        "ConditionExpression",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues",
        "Item",
        "TableName",
      ]);
      expect(request.TableName).toBe("details-table");
      expect(Object.keys(request.Item).sort()).toEqual(Object.keys(demoOrder).sort());
      for (const attribute of ["accountid", "vendorid", "orderdate", "city", "coffeetype", "coffeesize"]) {
        expect(request.Item[attribute]).toEqual({ S: hostile });
      }
      for (const attribute of ["orderdate", "city", "coffeetype", "coffeesize"]) {
        expect(request.ExpressionAttributeValues[`:${attribute}`]).toEqual({ S: hostile });
      }
    },
  );

  it("round-trips any Unicode string (property test)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (city, coffeetype) => {
          const { request } = renderPutItem({ ...demoOrder, city, coffeetype });
          expect(request.Item.city).toEqual({ S: city });
          expect(request.Item.coffeetype).toEqual({ S: coffeetype });
          expect(request.ExpressionAttributeValues[":city"]).toEqual({ S: city });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("escapes non-ASCII as \\uXXXX so the integration body is pure ASCII", () => {
    const { text } = renderPutItem({ ...demoOrder, city: "Zürich ☕" });
    expect(text).toContain('"city": {"S": "Z\\u00FCrich \\u2615"}');
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
  });

  it("cannot turn a string-typed price into extra attributes: the JSON just becomes invalid", () => {
    const { output } = render(
      "order-request.vtl",
      JSON.stringify({ order: { ...demoOrder, unitprice: '1"}, "injected": {"S": "x' } }),
    );
    expect(() => JSON.parse(output)).toThrow(SyntaxError);
  });
});
