import { overriddenStatus } from "../../emulator/apigateway/vtl";
import { hostileStrings, render } from "./template-files";

describe("summary-request.vtl", () => {
  it("builds an eventually consistent GetItem keyed by the accountid path parameter", () => {
    const { output } = render("summary-request.vtl", "", { path: { accountid: "acct-1" } });
    expect(JSON.parse(output)).toEqual({
      TableName: "summary-table",
      Key: { accountid: { S: "acct-1" } },
      ConsistentRead: false,
    });
  });

  it.each(hostileStrings)("keeps the (URL-decoded) path parameter %j exact", (hostile) => {
    const { output } = render("summary-request.vtl", "", { path: { accountid: hostile } });
    const request = JSON.parse(output);
    expect(request.Key).toEqual({ accountid: { S: hostile } });
    expect(request.TableName).toBe("summary-table");
  });
});

describe("summary-response.vtl", () => {
  const item = (total: string, count: string, accountid = "acct-1") =>
    JSON.stringify({
      Item: { accountid: { S: accountid }, account_total: { N: total }, order_count: { N: count } },
    });

  it("prints account_total as exact JSON number text", () => {
    const { output, context } = render("summary-response.vtl", item("1234567890.123456789", "42"));
    expect(output.trim()).toBe(
      '{"accountid": "acct-1", "account_total": 1234567890.123456789, "order_count": 42}',
    );
    expect(JSON.parse(output)).toEqual({
      accountid: "acct-1",
      account_total: Number("1234567890.123456789"),
      order_count: 42,
    });
    expect(overriddenStatus(context)).toBeUndefined();
  });

  it.each(hostileStrings)("round-trips a stored accountid %j", (hostile) => {
    const { output } = render("summary-response.vtl", item("7.5", "1", hostile));
    expect(JSON.parse(output).accountid).toBe(hostile);
  });

  it("answers 404 with a JSON message when GetItem found no item", () => {
    const { output, context } = render("summary-response.vtl", "{}");
    expect(overriddenStatus(context)).toBe(404);
    expect(JSON.parse(output)).toEqual({ message: "No orders found for this account", requestId: "req-123" });
  });
});

describe("order-response.vtl", () => {
  it("acknowledges the order with the request id (PutItem answers {})", () => {
    const { output, context } = render("order-response.vtl", "{}");
    expect(JSON.parse(output)).toEqual({ message: "Order accepted", requestId: "req-123" });
    expect(overriddenStatus(context)).toBeUndefined();
  });
});

describe("error-response.vtl", () => {
  it.each([
    [
      "a table that does not exist",
      "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
      "Requested resource not found: Table: details-table not found",
    ],
    ["a serialization error", "com.amazon.coral.service#SerializationException", `Unexpected "}" it's`],
    ["an internal error", "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"],
  ])(
    "answers %s with a fixed message and the request id, never DynamoDB's type or message",
    (_name, type, message) => {
      const { output, context } = render(
        "error-response.vtl",
        JSON.stringify({ __type: type, message, Message: message }),
      );
      expect(JSON.parse(output)).toEqual({
        message: "The request could not be processed",
        requestId: "req-123",
      });
      expect(output).not.toContain(type.replace(/^.*#/, ""));
      expect(overriddenStatus(context)).toBeUndefined();
    },
  );

  it("answers a failed create-only condition with 409, without DynamoDB's text", () => {
    const { output, context } = render(
      "error-response.vtl",
      JSON.stringify({
        __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        message: "The conditional request failed",
      }),
    );
    expect(overriddenStatus(context)).toBe(409);
    expect(JSON.parse(output)).toEqual({
      message: "An order with this accountid and vendorid exists with different content; it was not changed",
      requestId: "req-123",
    });
  });

  it.each(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"])(
    "answers the throughput error %s with 429, never 400",
    (error) => {
      const { output, context } = render(
        "error-response.vtl",
        JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${error}`,
          message: "The level of configured provisioned throughput for the table was exceeded",
        }),
      );
      expect(overriddenStatus(context)).toBe(429);
      expect(JSON.parse(output)).toEqual({
        message: "Too many requests: retry later, with backoff",
        requestId: "req-123",
      });
      expect(output).not.toContain(error);
    },
  );

  it("still answers valid JSON when the error body is empty", () => {
    const { output } = render("error-response.vtl", "");
    expect(JSON.parse(output)).toEqual({
      message: "The request could not be processed",
      requestId: "req-123",
    });
  });
});
