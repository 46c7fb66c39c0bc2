import { gatewayResponse } from "../../../emulator/apigateway/gateway-responses";
import { handleRestApiRequest, selectIntegrationResponse } from "../../../emulator/apigateway/handle-request";
import type { RestApiDefinition, RestApiMethod } from "../../../emulator/apigateway/types";

// Requests in this file are all answered before DynamoDB would be called.
const unreachable = {
  endpoint: "http://127.0.0.1:9",
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
};

const method = (overrides: Partial<RestApiMethod["integration"]> = {}): RestApiMethod => ({
  httpMethod: "POST",
  authorization: "NONE",
  integration: {
    type: "AWS",
    uri: "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem",
    requestTemplates: { "application/json": "{}" },
    integrationResponses: [{ statusCode: "200" }],
    ...overrides,
  },
  methodResponses: [{ statusCode: "200" }],
});

const apiWith = (m: RestApiMethod): RestApiDefinition => ({
  stageName: "s",
  resources: [{ path: "/x", methods: [m] }],
});

const post = (api: RestApiDefinition, contentType: string) =>
  handleRestApiRequest(
    api,
    { dynamodb: unreachable },
    {
      method: "POST",
      url: "/s/x",
      headers: { "Content-Type": contentType },
      body: '{"json": "but labelled as xml"}',
    },
  );

describe("passthrough behaviour", () => {
  it.each(["NEVER", "WHEN_NO_TEMPLATES"] as const)(
    "%s answers 415 for an unmapped content type",
    async (behavior) => {
      const result = await post(apiWith(method({ passthroughBehavior: behavior })), "application/xml");
      expect(result.statusCode).toBe(415);
      expect(JSON.parse(result.body)).toEqual({ message: "Unsupported Media Type" });
    },
  );

  it("NEVER answers 415 even without any template", async () => {
    const result = await post(
      apiWith(method({ passthroughBehavior: "NEVER", requestTemplates: {} })),
      "application/json",
    );
    expect(result.statusCode).toBe(415);
  });

  it("WHEN_NO_MATCH passes the body through (here to an unreachable backend)", async () => {
    const result = await post(apiWith(method({ passthroughBehavior: "WHEN_NO_MATCH" })), "application/xml");
    expect(result.statusCode).toBe(504);
  });
});

describe("integration response selection", () => {
  const responses = [
    { statusCode: "200" },
    { statusCode: "400", selectionPattern: "4\\d{2}" },
    { statusCode: "500", selectionPattern: "5\\d{2}" },
  ];
  it("matches the whole status code, else takes the default", () => {
    expect(selectIntegrationResponse(responses, 400)?.statusCode).toBe("400");
    expect(selectIntegrationResponse(responses, 503)?.statusCode).toBe("500");
    expect(selectIntegrationResponse(responses, 200)?.statusCode).toBe("200");
    expect(selectIntegrationResponse([{ statusCode: "400", selectionPattern: "4" }], 404)).toBeUndefined();
  });
});

describe("gateway responses", () => {
  it("substitutes $context values into a customised template (no VTL)", () => {
    const api: RestApiDefinition = {
      stageName: "s",
      resources: [],
      gatewayResponses: [
        {
          responseType: "BAD_REQUEST_BODY",
          responseTemplates: {
            "application/json":
              '{"message": "Invalid request body", "details": "$context.error.validationErrorString", "id": "$context.requestId"}',
          },
        },
      ],
    };
    const result = gatewayResponse(
      api,
      {
        responseType: "BAD_REQUEST_BODY",
        message: "Invalid request body",
        validationErrorString: '[a \\"b\\"]',
      },
      { requestId: "r-1" },
      undefined,
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      message: "Invalid request body",
      details: '[a "b"]',
      id: "r-1",
    });
  });

  it("falls back to a customised DEFAULT_4XX status and template", () => {
    const api: RestApiDefinition = {
      stageName: "s",
      resources: [],
      gatewayResponses: [
        {
          responseType: "DEFAULT_4XX",
          statusCode: "418",
          responseTemplates: { "application/json": '{"m":$context.error.messageString}' },
        },
      ],
    };
    const result = gatewayResponse(
      api,
      { responseType: "UNSUPPORTED_MEDIA_TYPE", message: 'x"y' },
      {},
      undefined,
    );
    expect(result.statusCode).toBe(418);
    expect(JSON.parse(result.body)).toEqual({ m: 'x"y' });
  });
});
