import { randomUUID } from "node:crypto";
import {
  type DynamoDbTarget,
  dynamoDbActionOf,
  invokeDynamoDbAction,
  type ServiceResponse,
} from "./dynamodb-integration";
import { type GatewayError, gatewayResponse, type HttpResult, staticHeaders } from "./gateway-responses";
import { verifyIamSignature } from "./iam-authorization";
import { findTemplate, mediaTypeOf, selectTemplate } from "./media-type";
import { missingRequiredParameters, validateBody } from "./request-validation";
import { findMethod, matchResource } from "./route-matching";
import type { IntegrationResponseDefinition, RestApiDefinition, RestApiMethod } from "./types";
import {
  createTemplateContext,
  overriddenStatus,
  type RequestParameters,
  renderMappingTemplate,
  type TemplateContext,
  TemplateInputNotJsonError,
} from "./vtl";

export interface RestApiRequest {
  method: string;
  /** Request target as received, including the stage and any query string: "/prod/order?x=1". */
  url: string;
  /** Header names as sent (case kept); looked up case-insensitively. */
  headers: Record<string, string>;
  body: string;
  sourceIp?: string;
}

export interface RestApiAccessLog {
  requestId: string;
  httpMethod: string;
  path: string;
  status: number;
  resourcePath?: string;
  integrationStatus?: number;
  /** DynamoDB's own error body (`__type`, message), which the caller never sees. */
  integrationError?: string;
  errorType?: string;
  errorMessage?: string;
  latencyMs: number;
}

export interface RestApiDependencies {
  dynamodb: DynamoDbTarget;
  log?: (entry: RestApiAccessLog) => void;
  /** Called after each answer was sent, with the request and the answer (e.g. for fault injection). */
  onExchange?: (request: RestApiRequest, result: HttpResult) => void;
}

/** A request routed to a method of the stage: the one object each step after routing reads. */
interface RoutedRequest {
  api: RestApiDefinition;
  deps: RestApiDependencies;
  request: RestApiRequest;
  method: RestApiMethod;
  params: RequestParameters;
  context: TemplateContext;
  receivedAt: Date;
  apiKey: string | undefined;
  accept: string | undefined;
}

class GatewayFailure extends Error {
  constructor(readonly error: GatewayError) {
    super(error.message);
  }
}

/** Runs one request through the stage: routing, authorization, api key, validation, templates, DynamoDB, responses. */
export async function handleRestApiRequest(
  api: RestApiDefinition,
  deps: RestApiDependencies,
  request: RestApiRequest,
): Promise<HttpResult> {
  const started = Date.now();
  const url = new URL(request.url, "http://localhost");
  const stagePrefix = `/${api.stageName}`;
  const stagePath = url.pathname.startsWith(`${stagePrefix}/`)
    ? url.pathname.slice(stagePrefix.length)
    : undefined;
  const requestPath = url.pathname === stagePrefix ? "/" : stagePath;
  const route = requestPath === undefined ? undefined : matchResource(api, requestPath);
  const method = route ? findMethod(route.resource, request.method) : undefined;
  const apiKey = headerValue(request.headers, "x-api-key");
  const context = createTemplateContext({
    requestId: randomUUID(),
    extendedRequestId: randomUUID(),
    requestTimeEpoch: started,
    requestTime: clfTime(new Date(started)),
    apiId: api.apiId ?? "local",
    accountId: "000000000000",
    stage: api.stageName,
    httpMethod: request.method.toUpperCase(),
    resourcePath: route?.resource.path,
    resourceId: route?.resource.id,
    path: url.pathname,
    protocol: "HTTP/1.1",
    domainName: headerValue(request.headers, "host") ?? "localhost",
    identity: {
      sourceIp: request.sourceIp ?? "127.0.0.1",
      userAgent: headerValue(request.headers, "user-agent"),
      apiKey: method?.apiKeyRequired ? apiKey : undefined,
    },
  });
  const accept = headerValue(request.headers, "accept");
  const log = (status: number, extra: Partial<RestApiAccessLog>) =>
    deps.log?.({
      requestId: String(context.requestId),
      httpMethod: request.method,
      path: url.pathname,
      resourcePath: route?.resource.path,
      status,
      latencyMs: Date.now() - started,
      ...extra,
    });

  try {
    if (!route || !method) {
      throw new GatewayFailure({
        responseType: "MISSING_AUTHENTICATION_TOKEN",
        message: "Missing Authentication Token",
      });
    }
    const routed: RoutedRequest = {
      api,
      deps,
      request,
      method,
      params: {
        path: route.pathParameters,
        querystring: Object.fromEntries(url.searchParams.entries()),
        header: { ...request.headers },
      },
      context,
      receivedAt: new Date(started),
      apiKey,
      accept,
    };
    await authorize(routed);
    requireApiKey(routed);
    validateRequest(routed);
    const result = await integrate(routed);
    log(result.response.statusCode, {
      integrationStatus: result.integrationStatus,
      integrationError: result.integrationStatus >= 300 ? result.integrationBody : undefined,
    });
    return result.response;
  } catch (caught) {
    const error: GatewayError =
      caught instanceof GatewayFailure
        ? caught.error
        : { responseType: "API_CONFIGURATION_ERROR", message: "Internal server error" };
    const response = gatewayResponse(api, error, context, accept);
    response.headers["x-amzn-requestid"] = String(context.requestId);
    log(response.statusCode, {
      errorType: error.responseType,
      errorMessage: caught instanceof GatewayFailure ? error.message : String(caught),
    });
    return response;
  }
}

async function authorize({ api, request, method, receivedAt }: RoutedRequest): Promise<void> {
  if (method.authorization === "AWS_IAM") {
    const verdict = await verifyIamSignature(request, api.iam, receivedAt);
    if (!verdict.allowed) throw new GatewayFailure(verdict.error);
  } else if (method.authorization !== "NONE") {
    throw new GatewayFailure({ responseType: "ACCESS_DENIED", message: "Forbidden" });
  }
}

function requireApiKey({ api, method, apiKey }: RoutedRequest): void {
  if (method.apiKeyRequired && !api.apiKeys?.some((key) => key.enabled !== false && key.value === apiKey)) {
    throw new GatewayFailure({ responseType: "INVALID_API_KEY", message: "Forbidden" });
  }
}

function validateRequest({ method, params, request }: RoutedRequest): void {
  if (method.requestValidator?.validateParameters) {
    const missing = missingRequiredParameters(method.requestParameters, params);
    if (missing.length > 0) {
      throw new GatewayFailure({
        responseType: "BAD_REQUEST_PARAMETERS",
        message: `Missing required request parameters: [${missing.join(", ")}]`,
      });
    }
  }
  if (method.requestValidator?.validateBody && method.requestModels) {
    const mediaType = mediaTypeOf(headerValue(request.headers, "content-type"));
    const models = method.requestModels;
    const key = Object.keys(models).find((type) => type.toLowerCase() === mediaType) ?? "$default";
    const schema = models[key];
    if (schema) {
      const validation = validateBody(schema, request.body);
      if (!validation.valid) {
        throw new GatewayFailure({
          responseType: "BAD_REQUEST_BODY",
          message: "Invalid request body",
          validationErrorString: validation.validationErrorString,
        });
      }
    }
  }
}

async function integrate(
  routed: RoutedRequest,
): Promise<{ response: HttpResult; integrationStatus: number; integrationBody: string }> {
  const { api, deps, method, params, context, accept } = routed;
  const integration = method.integration;
  const action = dynamoDbActionOf(integration.uri);
  const integrationBody = renderIntegrationRequest(routed);

  let service: ServiceResponse;
  try {
    service = await invokeDynamoDbAction(deps.dynamodb, action, integrationBody, AbortSignal.timeout(29_000));
  } catch (error) {
    throw new GatewayFailure({
      responseType: "INTEGRATION_FAILURE",
      message: `Internal server error (${(error as Error).message})`,
    });
  }

  const selected = selectIntegrationResponse(integration.integrationResponses, service.statusCode);
  if (!selected) {
    throw new GatewayFailure({ responseType: "API_CONFIGURATION_ERROR", message: "Internal server error" });
  }
  const template = selected.responseTemplates
    ? selectTemplate(selected.responseTemplates, accept)
    : undefined;
  let body = service.body;
  if (template) {
    try {
      body = renderMappingTemplate(template.template, {
        body: service.body,
        params,
        context,
        stageVariables: api.stageVariables,
      });
    } catch {
      throw new GatewayFailure({ responseType: "API_CONFIGURATION_ERROR", message: "Internal server error" });
    }
  }
  const headers: Record<string, string> = {
    "content-type": template?.contentType ?? "application/json",
    ...staticHeaders(selected.responseParameters, "method.response.header."),
    ...overrideHeaders(context),
    "x-amzn-requestid": String(context.requestId),
  };
  const statusCode = overriddenStatus(context) ?? Number(selected.statusCode);
  return {
    response: { statusCode, headers, body },
    integrationStatus: service.statusCode,
    integrationBody: service.body,
  };
}

/** Picks the request template by Content-Type and applies the passthrough behaviour. */
function renderIntegrationRequest({ api, method, params, request, context }: RoutedRequest): string {
  const integration = method.integration;
  const templates = integration.requestTemplates ?? {};
  const passthrough = integration.passthroughBehavior ?? "WHEN_NO_MATCH";
  const hasTemplates = Object.keys(templates).length > 0;
  const template = findTemplate(templates, mediaTypeOf(headerValue(request.headers, "content-type")));
  if (!template) {
    const passes = passthrough === "WHEN_NO_MATCH" || (passthrough === "WHEN_NO_TEMPLATES" && !hasTemplates);
    if (!passes)
      throw new GatewayFailure({ responseType: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" });
    return request.body;
  }
  try {
    return renderMappingTemplate(template.template, {
      body: request.body,
      params,
      context,
      stageVariables: api.stageVariables,
    });
  } catch (error) {
    if (error instanceof TemplateInputNotJsonError) {
      throw new GatewayFailure({
        responseType: "BAD_REQUEST_BODY",
        message: `Could not parse request body into json: ${error.message}`,
      });
    }
    throw new GatewayFailure({ responseType: "API_CONFIGURATION_ERROR", message: "Internal server error" });
  }
}

/** First response whose selection pattern matches the whole status code, else the default one. */
export function selectIntegrationResponse(
  responses: IntegrationResponseDefinition[],
  statusCode: number,
): IntegrationResponseDefinition | undefined {
  const status = String(statusCode);
  const matched = responses.find(
    (response) => response.selectionPattern && new RegExp(`^(?:${response.selectionPattern})$`).test(status),
  );
  return matched ?? responses.find((response) => !response.selectionPattern);
}

function overrideHeaders(context: TemplateContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.responseOverride.header)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  return headers;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((header) => header.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** $context.requestTime format: dd/MMM/yyyy:HH:mm:ss +0000 */
function clfTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
