import { expectedSummaries, type Order } from "../../../tools/load/orders";
import { summaryIsExact } from "../../../tools/load/run-load";

const order = (accountid: string, vendorid: string, unitprice: number, quantity: number): Order => ({
  accountid,
  vendorid,
  orderdate: "2024-01-02T03:04:05Z",
  city: "Oslo",
  coffeetype: "Latte",
  coffeesize: "Small",
  unitprice,
  quantity,
});

describe("expected summaries", () => {
  const [one, none] = expectedSummaries(
    [order("a", "v1", 0.1, 3), order("a", "v2", 9.99, 1), order("a", "v1", 0.2, 3)],
    ["a", "b"],
  );

  it("sum the last version of each order exactly", () => {
    expect(one.accountId).toBe("a");
    expect(one.accountTotal.toString()).toBe("10.59");
    expect(one.orderCount).toBe(2);
    expect(none).toMatchObject({ accountId: "b", orderCount: 0 });
  });

  it("match a reading with the same figures, whatever the decimal text", () => {
    expect(summaryIsExact(one, { status: 200, total: "10.590", count: 2, text: "" })).toBe(true);
    expect(summaryIsExact(one, { status: 200, total: "10.59", count: 3, text: "" })).toBe(false);
    expect(summaryIsExact(one, { status: 200, total: "10.5900001", count: 2, text: "" })).toBe(false);
    expect(summaryIsExact(one, { status: 404, text: "" })).toBe(false);
  });

  it("take a 404 or an empty summary for an account with no orders left", () => {
    expect(summaryIsExact(none, { status: 404, text: "" })).toBe(true);
    expect(summaryIsExact(none, { status: 200, total: "0", count: 0, text: "" })).toBe(true);
    expect(summaryIsExact(none, { status: 200, total: "1", count: 1, text: "" })).toBe(false);
  });
});
