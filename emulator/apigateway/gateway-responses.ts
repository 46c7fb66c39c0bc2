import { selectTemplate } from "./media-type";
import type { GatewayResponseDefinition, GatewayResponseType, RestApiDefinition } from "./types";

export interface GatewayError {
  responseType: GatewayResponseType;
  message: string;
  validationErrorString?: string;
  /** x-amzn-errortype when it differs from the type's usual one (e.g. IncompleteSignatureException). */
  errorType?: string;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const builtIn: Record<GatewayResponseType, { statusCode: number; errorType: string }> = {
  DEFAULT_4XX: { statusCode: 400, errorType: "BadRequestException" },
  DEFAULT_5XX: { statusCode: 500, errorType: "InternalServerErrorException" },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, errorType: "MissingAuthenticationTokenException" },
  INVALID_API_KEY: { statusCode: 403, errorType: "ForbiddenException" },
  ACCESS_DENIED: { statusCode: 403, errorType: "AccessDeniedException" },
  INVALID_SIGNATURE: { statusCode: 403, errorType: "InvalidSignatureException" },
  // AWS's 403 troubleshooting article lists "Signature expired" with this error type.
  EXPIRED_TOKEN: { statusCode: 403, errorType: "InvalidSignatureException" },
  BAD_REQUEST_BODY: { statusCode: 400, errorType: "BadRequestException" },
  BAD_REQUEST_PARAMETERS: { statusCode: 400, errorType: "BadRequestException" },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, errorType: "UnsupportedMediaTypeException" },
  API_CONFIGURATION_ERROR: { statusCode: 500, errorType: "InternalServerErrorException" },
  INTEGRATION_FAILURE: { statusCode: 504, errorType: "InternalServerErrorException" },
  RESOURCE_NOT_FOUND: { statusCode: 404, errorType: "NotFoundException" },
};

const defaultTemplate = '{"message":$context.error.messageString}';

/**
 * Builds a gateway response the way API Gateway does: the type's own customisation, else the
 * customised DEFAULT_4XX / DEFAULT_5XX, else the built-in `{"message": ...}`. Templates get
 * simple `$context.x.y` / `$stageVariables.x` substitution, not VTL.
 */
export function gatewayResponse(
  api: RestApiDefinition,
  error: GatewayError,
  context: Record<string, unknown>,
  accept: string | undefined,
): HttpResult {
  const own = findCustom(api, error.responseType);
  const family = builtIn[error.responseType].statusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
  const fallback = findCustom(api, family);
  const statusCode = Number(
    own?.statusCode ?? fallback?.statusCode ?? builtIn[error.responseType].statusCode,
  );
  const templates = own?.responseTemplates ?? fallback?.responseTemplates;
  const selected = templates ? selectTemplate(templates, accept) : undefined;
  const template = selected?.template ?? defaultTemplate;
  const contentType = selected?.contentType ?? "application/json";
  const errorContext = {
    ...context,
    error: {
      message: error.message,
      messageString: JSON.stringify(error.message),
      responseType: error.responseType,
      validationErrorString: error.validationErrorString ?? "",
    },
  };
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-amzn-errortype": error.errorType ?? builtIn[error.responseType].errorType,
    ...staticHeaders(
      { ...fallback?.responseParameters, ...own?.responseParameters },
      "gatewayresponse.header.",
    ),
  };
  const body = substitute(template, { context: errorContext, stageVariables: api.stageVariables ?? {} });
  return { statusCode, headers, body };
}

function findCustom(
  api: RestApiDefinition,
  type: GatewayResponseType,
): GatewayResponseDefinition | undefined {
  return api.gatewayResponses?.find((response) => response.responseType === type);
}

function substitute(template: string, roots: Record<string, unknown>): string {
  return template.replace(
    /\$(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)/g,
    (_text, root: string, path: string) => {
      let value: unknown = roots[root];
      for (const key of path.slice(1).split(".")) {
        value =
          value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
      }
      return value === undefined || value === null || typeof value === "object" ? "" : String(value);
    },
  );
}

/** Static response parameter values ('quoted') mapped onto header names. */
export function staticHeaders(
  parameters: Record<string, string> | undefined,
  prefix: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters ?? {})) {
    const literal = /^'(.*)'$/s.exec(value);
    if (name.startsWith(prefix) && literal) headers[name.slice(prefix.length).toLowerCase()] = literal[1];
  }
  return headers;
}
