import type { AwsCredentials } from "../sigv4";

/**
 * A deployed REST API stage as plain data. Each part corresponds to a Terraform `aws_api_gateway_*`
 * resource; attribute names are the camelCase of the Terraform arguments where one exists.
 */
export interface RestApiDefinition {
  /** aws_api_gateway_rest_api id (shows up as $context.apiId); defaults to "local". */
  apiId?: string;
  /** aws_api_gateway_stage.stage_name: requests are served under /<stageName>/... */
  stageName: string;
  /** aws_api_gateway_stage.variables ($stageVariables). */
  stageVariables?: Record<string, string>;
  resources: RestApiResource[];
  /** aws_api_gateway_gateway_response, by response_type. Types not listed use AWS's defaults. */
  gatewayResponses?: GatewayResponseDefinition[];
  /** aws_api_gateway_api_key values usable with this stage (through a usage plan). */
  apiKeys?: ApiKeyDefinition[];
  /** Callers allowed on `AWS_IAM` methods (none when absent: every signed request is refused). */
  iam?: IamAuthorization;
}

/** Who may call the `AWS_IAM` methods of a stage: the credentials the local runtime generated. */
export interface IamAuthorization {
  region: string;
  credentials: AwsCredentials[];
}

export interface RestApiResource {
  /** Full resource path built from the path_part chain, e.g. "/order" or "/{accountid}" ("/" for root). */
  path: string;
  /** aws_api_gateway_resource id ($context.resourceId); optional. */
  id?: string;
  methods: RestApiMethod[];
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "ANY";

/** aws_api_gateway_method with its integration, method responses and integration responses. */
export interface RestApiMethod {
  httpMethod: HttpMethod;
  /** "NONE" and "AWS_IAM" (SigV4, see iam-authorization.ts) are emulated; CUSTOM and COGNITO_USER_POOLS answer 403. */
  authorization: string;
  apiKeyRequired?: boolean;
  /** aws_api_gateway_request_validator referenced by request_validator_id. */
  requestValidator?: RequestValidatorDefinition;
  /** request_models with the model schemas resolved: content type ("application/json", "$default") -> draft-04 schema. */
  requestModels?: Record<string, JsonSchemaObject>;
  /** request_parameters: e.g. { "method.request.querystring.page": true } (true = required). */
  requestParameters?: Record<string, boolean>;
  integration: RestApiIntegration;
  /** aws_api_gateway_method_response status codes. */
  methodResponses: MethodResponseDefinition[];
}

export interface RequestValidatorDefinition {
  /** validate_request_body */
  validateBody: boolean;
  /** validate_request_parameters */
  validateParameters: boolean;
}

export type JsonSchemaObject = Record<string, unknown>;

export type PassthroughBehavior = "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";

/** aws_api_gateway_integration (only type AWS with a DynamoDB action URI is emulated). */
export interface RestApiIntegration {
  type: "AWS";
  /** integration_http_method; AWS service actions are always invoked with POST. */
  integrationHttpMethod?: "POST";
  /** e.g. "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem" */
  uri: string;
  /** request_templates: content type -> template text */
  requestTemplates?: Record<string, string>;
  /** passthrough_behavior; AWS defaults to WHEN_NO_MATCH. */
  passthroughBehavior?: PassthroughBehavior;
  integrationResponses: IntegrationResponseDefinition[];
}

export interface MethodResponseDefinition {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
}

/** aws_api_gateway_integration_response */
export interface IntegrationResponseDefinition {
  /** Method response status code sent to the client. */
  statusCode: string;
  /** Regex matched against the whole backend HTTP status code; absent/empty = the default response. */
  selectionPattern?: string;
  /** response_templates: content type -> template text */
  responseTemplates?: Record<string, string>;
  /** response_parameters with static values only, e.g. { "method.response.header.X": "'v'" }. */
  responseParameters?: Record<string, string>;
}

export type GatewayResponseType =
  | "DEFAULT_4XX"
  | "DEFAULT_5XX"
  | "MISSING_AUTHENTICATION_TOKEN"
  | "INVALID_API_KEY"
  | "ACCESS_DENIED"
  | "INVALID_SIGNATURE"
  | "EXPIRED_TOKEN"
  | "BAD_REQUEST_BODY"
  | "BAD_REQUEST_PARAMETERS"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "API_CONFIGURATION_ERROR"
  | "INTEGRATION_FAILURE"
  | "RESOURCE_NOT_FOUND";

/** aws_api_gateway_gateway_response */
export interface GatewayResponseDefinition {
  responseType: GatewayResponseType;
  statusCode?: string;
  /** content type -> template (simple $context/$stageVariables substitution, not VTL) */
  responseTemplates?: Record<string, string>;
  /** response_parameters with static values, e.g. { "gatewayresponse.header.X": "'v'" } */
  responseParameters?: Record<string, string>;
}

export interface ApiKeyDefinition {
  value: string;
  id?: string;
  enabled?: boolean;
}
