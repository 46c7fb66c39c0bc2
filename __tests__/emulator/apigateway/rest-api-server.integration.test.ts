import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { RestApiAccessLog, RestApiDefinition } from "../../../emulator/apigateway";
import { type RunningRestApi, startRestApiServer } from "../../../emulator/apigateway/server";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../emulator/dynamodb-local";
import { localClientConfig, localCredentials, localRegion } from "../../../emulator/local-credentials";
import { createOrderTables } from "../../support/order-tables";

const templates = join(__dirname, "..", "..", "..", "templates");
const template = (name: string) => readFileSync(join(templates, name), "utf8");

const api: RestApiDefinition = {
  stageName: "test",
  stageVariables: { detailsTableName: "details", summaryTableName: "summary" },
  gatewayResponses: [
    {
      responseType: "BAD_REQUEST_BODY",
      statusCode: "400",
      responseTemplates: { "application/json": template("bad-request-body.json") },
    },
    {
      responseType: "UNSUPPORTED_MEDIA_TYPE",
      statusCode: "415",
      responseTemplates: { "application/json": template("unsupported-media-type.json") },
    },
  ],
  apiKeys: [{ value: "secret-key-123" }],
  resources: [
    {
      path: "/order",
      methods: [
        {
          httpMethod: "POST",
          authorization: "NONE",
          requestValidator: { validateBody: true, validateParameters: false },
          requestModels: { "application/json": JSON.parse(template("order-request.schema.json")) },
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem",
            passthroughBehavior: "NEVER",
            requestTemplates: { "application/json": template("order-request.vtl") },
            integrationResponses: [
              {
                statusCode: "200",
                responseTemplates: { "application/json": template("order-response.vtl") },
              },
              {
                statusCode: "400",
                selectionPattern: "4\\d{2}",
                responseTemplates: { "application/json": template("error-response.vtl") },
              },
              {
                statusCode: "500",
                selectionPattern: "5\\d{2}",
                responseTemplates: { "application/json": template("error-response.vtl") },
              },
            ],
          },
          methodResponses: [{ statusCode: "200" }, { statusCode: "400" }, { statusCode: "500" }],
        },
      ],
    },
    {
      path: "/{accountid}",
      methods: [
        {
          httpMethod: "GET",
          authorization: "NONE",
          apiKeyRequired: true,
          integration: {
            type: "AWS",
            uri: "arn:aws:apigateway:us-east-1:dynamodb:action/GetItem",
            passthroughBehavior: "NEVER",
            requestTemplates: { "application/json": template("summary-request.vtl") },
            integrationResponses: [
              {
                statusCode: "200",
                responseTemplates: { "application/json": template("summary-response.vtl") },
              },
              {
                statusCode: "400",
                selectionPattern: "4\\d{2}",
                responseTemplates: { "application/json": template("error-response.vtl") },
              },
            ],
          },
          methodResponses: [{ statusCode: "200" }, { statusCode: "400" }, { statusCode: "404" }],
        },
      ],
    },
  ],
};

const order = {
  accountid: "acct-1",
  vendorid: "vendor-1",
  orderdate: "2021-12-01 10:15:30.123456",
  city: "Seattle",
  coffeetype: "Latte",
  coffeesize: "Large",
  unitprice: 3.5,
  quantity: 2,
};

let dynamoDbLocal: DynamoDbLocal;
let client: DynamoDBClient;
let server: RunningRestApi;
const logs: RestApiAccessLog[] = [];

beforeAll(async () => {
  dynamoDbLocal = await startDynamoDbLocal();
  client = new DynamoDBClient(localClientConfig(dynamoDbLocal.endpoint));
  await createOrderTables(client, { detailsTable: "details", summaryTable: "summary" });
  server = await startRestApiServer(api, {
    dynamodb: { endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials },
    log: (entry) => logs.push(entry),
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  client?.destroy();
  await dynamoDbLocal?.stop();
});

const jsonOf = async (response: Response) => (await response.json()) as Record<string, string>;

const postOrder = (body: string, contentType = "application/json") =>
  fetch(`${server.url}/order`, { method: "POST", headers: { "content-type": contentType }, body });

async function detailsItemCount(): Promise<number> {
  return (await client.send(new ScanCommand({ TableName: "details", Select: "COUNT" }))).Count ?? 0;
}

describe("local REST API against DynamoDB Local", () => {
  it("stores a good order with exact strings and numbers and answers 200 JSON", async () => {
    const hostile = { ...order, accountid: "acct-\"}\\'😀", city: 'Zürich\n","x":{"S":"y</script>' };
    const response = await postOrder(JSON.stringify({ order: hostile }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = await jsonOf(response);
    expect(body).toEqual({ message: "Order accepted", requestId: expect.any(String) });
    expect(response.headers.get("x-amzn-requestid")).toBe(body.requestId);

    const stored = await client.send(
      new GetItemCommand({
        TableName: "details",
        Key: { accountid: { S: hostile.accountid }, vendorid: { S: "vendor-1" } },
      }),
    );
    expect(stored.Item).toEqual({
      accountid: { S: hostile.accountid },
      vendorid: { S: "vendor-1" },
      orderdate: { S: "2021-12-01 10:15:30.123456" },
      city: { S: hostile.city },
      coffeetype: { S: "Latte" },
      coffeesize: { S: "Large" },
      unitprice: { N: "3.5" },
      quantity: { N: "2" },
    });
  });

  it("accepts a charset parameter on the content type", async () => {
    const response = await postOrder(
      JSON.stringify({ order: { ...order, vendorid: "vendor-charset" } }),
      "application/json; charset=UTF-8",
    );
    expect(response.status).toBe(200);
  });

  it("rejects an invalid body with 400 JSON and leaves the table unchanged", async () => {
    const before = await detailsItemCount();
    const response = await postOrder(JSON.stringify({ order: { ...order, quantity: -1, extra: "x" } }));
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body.message).toBe("Invalid request body");
    expect(body.details).toContain("quantity");
    expect(await detailsItemCount()).toBe(before);
  });

  it("rejects unparsable JSON as an invalid body", async () => {
    const response = await postOrder('{"order": ');
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).message).toBe("Invalid request body");
  });

  it("answers 415 for text/plain (passthrough NEVER) and writes nothing", async () => {
    const before = await detailsItemCount();
    const response = await postOrder(JSON.stringify({ order }), "text/plain");
    expect(response.status).toBe(415);
    expect((await jsonOf(response)).message).toMatch(/^Unsupported Media Type/);
    expect(await detailsItemCount()).toBe(before);
  });

  it("answers 403 Missing Authentication Token for unknown paths, methods and stages", async () => {
    for (const [method, path] of [
      ["GET", `${server.url}/order/extra/deeper`],
      ["DELETE", `${server.url}/order`],
      ["POST", `${server.url.replace("/test", "/other")}/order`],
    ]) {
      const response = await fetch(path, { method });
      expect(response.status).toBe(403);
      expect(await jsonOf(response)).toEqual({ message: "Missing Authentication Token" });
    }
  });

  it("requires the API key on GET /{accountid}", async () => {
    const response = await fetch(`${server.url}/acct-1`);
    expect(response.status).toBe(403);
    expect(await jsonOf(response)).toEqual({ message: "Forbidden" });
    const wrong = await fetch(`${server.url}/acct-1`, { headers: { "x-api-key": "nope" } });
    expect(wrong.status).toBe(403);
  });

  it("answers 404 JSON for an account without a summary", async () => {
    const response = await fetch(`${server.url}/nobody`, { headers: { "x-api-key": "secret-key-123" } });
    expect(response.status).toBe(404);
    expect(await jsonOf(response)).toEqual({
      message: "No orders found for this account",
      requestId: response.headers.get("x-amzn-requestid"),
    });
  });

  it("returns the stored summary with the exact decimal total", async () => {
    const accountid = 'acct "quoted" é';
    await client.send(
      new PutItemCommand({
        TableName: "summary",
        Item: {
          accountid: { S: accountid },
          account_total: { N: "1234567890.123456789" },
          order_count: { N: "42" },
        },
      }),
    );
    const response = await fetch(`${server.url}/${encodeURIComponent(accountid)}`, {
      headers: { "x-api-key": "secret-key-123" },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.trim()).toBe(
      '{"accountid": "acct \\"quoted\\" \\u00E9", "account_total": 1234567890.123456789, "order_count": 42}',
    );
    expect(JSON.parse(text).accountid).toBe(accountid);
  });

  it("maps a DynamoDB 400 (missing table) through the 4\\d{2} integration response", async () => {
    const broken = await startRestApiServer(
      { ...api, stageVariables: { detailsTableName: "no-such-table", summaryTableName: "summary" } },
      {
        dynamodb: { endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials },
        log: (entry) => logs.push(entry),
      },
    );
    try {
      const response = await fetch(`${broken.url}/order`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ order }),
      });
      expect(response.status).toBe(400);
      const body = await jsonOf(response);
      expect(body).toEqual({ message: "The request could not be processed", requestId: expect.any(String) });
      expect(logs.find((entry) => entry.requestId === body.requestId)?.integrationError).toMatch(
        /ResourceNotFoundException.*(non-existent table|resource not found)/i,
      );
    } finally {
      await broken.stop();
    }
  });

  it("lets DynamoDB reject a malformed integration body with its SerializationException", async () => {
    const malformed: RestApiDefinition = {
      ...api,
      resources: [
        {
          path: "/order",
          methods: [
            {
              ...api.resources[0].methods[0],
              requestValidator: undefined,
              integration: {
                ...api.resources[0].methods[0].integration,
                // the broken pattern from tutorials: $input.json inside quotes
                requestTemplates: {
                  "application/json":
                    '{"TableName": "details", "Item": {"accountid": {"S": "$input.json(\'$.order.accountid\')"}}}',
                },
              },
            },
          ],
        },
      ],
    };
    const running = await startRestApiServer(malformed, {
      dynamodb: { endpoint: dynamoDbLocal.endpoint, region: localRegion, credentials: localCredentials },
      log: (entry) => logs.push(entry),
    });
    try {
      const response = await fetch(`${running.url}/order`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ order }),
      });
      expect(response.status).toBe(400);
      const body = await jsonOf(response);
      expect(body.message).toBe("The request could not be processed");
      expect(logs.find((entry) => entry.requestId === body.requestId)?.integrationError).toContain(
        "SerializationException",
      );
    } finally {
      await running.stop();
    }
  });

  it("logs one access record per request", () => {
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.some((entry) => entry.status === 200 && entry.integrationStatus === 200)).toBe(true);
    expect(logs.some((entry) => entry.errorType === "UNSUPPORTED_MEDIA_TYPE")).toBe(true);
  });
});
