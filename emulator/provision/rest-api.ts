import type {
  GatewayResponseDefinition,
  GatewayResponseType,
  HttpMethod,
  IntegrationResponseDefinition,
  JsonSchemaObject,
  RestApiDefinition,
  RestApiMethod,
  RestApiResource,
} from "../apigateway/types";
import { assertSupported, UnsupportedConfigurationError } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";
import type { Attributes } from "../terraform/terraform-document";
import { API_KEY_TYPES, apiKeysOfStage, createApiKeys } from "./api-keys";

const API_TYPES = [
  "aws_api_gateway_rest_api",
  "aws_api_gateway_resource",
  "aws_api_gateway_method",
  "aws_api_gateway_integration",
  "aws_api_gateway_method_response",
  "aws_api_gateway_integration_response",
  "aws_api_gateway_request_validator",
  "aws_api_gateway_model",
  "aws_api_gateway_gateway_response",
  "aws_api_gateway_deployment",
  "aws_api_gateway_stage",
  ...API_KEY_TYPES,
];

const ROOT_PREFIX = "root:";

/** Resources of a type with their references resolved (restApiStages has checked them already). */
function all(model: StackModel, type: string): [string, Attributes][] {
  return model.resources(type).map(([id]) => [id, model.resolved(type, id)]);
}

/**
 * The stages of the stack's REST APIs as plain definitions for the local API Gateway server, built from
 * the `aws_api_gateway_*` resources exactly as synthesized. API keys without a configured value get a
 * generated one (see createApiKeys).
 */
export function restApiStages(model: StackModel): RestApiDefinition[] {
  for (const type of API_TYPES) for (const [id, raw] of model.resources(type)) assertSupported(type, id, raw);
  for (const [apiId] of model.resources("aws_api_gateway_rest_api")) {
    model.setComputed("aws_api_gateway_rest_api", apiId, {
      id: apiId,
      root_resource_id: `${ROOT_PREFIX}${apiId}`,
    });
  }
  const apiKeys = createApiKeys(model);
  return all(model, "aws_api_gateway_stage").map(([, stage]) => {
    const apiId = stage.rest_api_id as string;
    const belongs = ([, config]: [string, Attributes]) => config.rest_api_id === apiId;
    const resources = all(model, "aws_api_gateway_resource").filter(belongs);
    const methods = all(model, "aws_api_gateway_method").filter(belongs);
    const integrations = all(model, "aws_api_gateway_integration").filter(belongs);
    const methodResponses = all(model, "aws_api_gateway_method_response").filter(belongs);
    const integrationResponses = all(model, "aws_api_gateway_integration_response").filter(belongs);
    const validators = new Map(all(model, "aws_api_gateway_request_validator").filter(belongs));
    const models = all(model, "aws_api_gateway_model").filter(belongs);

    const paths = new Map<string, string>([[`${ROOT_PREFIX}${apiId}`, "/"]]);
    const pathOf = (resourceId: string): string => {
      const known = paths.get(resourceId);
      if (known) return known;
      const resource = resources.find(([id]) => id === resourceId);
      if (!resource) throw new UnsupportedConfigurationError(`API ${apiId}: unknown resource ${resourceId}`);
      const parent = pathOf(resource[1].parent_id as string);
      const full = `${parent === "/" ? "" : parent}/${resource[1].path_part as string}`;
      paths.set(resourceId, full);
      return full;
    };

    const sameMethod =
      (method: Attributes) =>
      ([, config]: [string, Attributes]) =>
        config.resource_id === method.resource_id && config.http_method === method.http_method;

    const restResources = new Map<string, RestApiResource>();
    for (const [methodId, method] of methods) {
      const where = `aws_api_gateway_method.${methodId}`;
      const integration = integrations.find(sameMethod(method));
      if (!integration)
        throw new UnsupportedConfigurationError(`${where}: has no aws_api_gateway_integration`);
      const [integrationId, integrationConfig] = integration;
      if (integrationConfig.type !== "AWS") {
        throw new UnsupportedConfigurationError(
          `aws_api_gateway_integration.${integrationId}: attribute "type" = ${String(integrationConfig.type)} is not supported locally (only AWS)`,
        );
      }
      const validatorId = method.request_validator_id as string | undefined;
      const validator = validatorId ? validators.get(validatorId) : undefined;
      const requestModels: Record<string, JsonSchemaObject> = {};
      for (const [contentType, modelName] of Object.entries(
        (method.request_models ?? {}) as Record<string, string>,
      )) {
        const found = models.find(([, m]) => m.name === modelName);
        if (found) requestModels[contentType] = JSON.parse(found[1].schema as string) as JsonSchemaObject;
        else if (modelName !== "Empty") {
          throw new UnsupportedConfigurationError(`${where}: request model "${modelName}" not found`);
        }
      }
      const restMethod: RestApiMethod = {
        httpMethod: method.http_method as HttpMethod,
        authorization: (method.authorization as string) ?? "NONE",
        apiKeyRequired: Boolean(method.api_key_required),
        requestValidator: validator
          ? {
              validateBody: Boolean(validator.validate_request_body),
              validateParameters: Boolean(validator.validate_request_parameters),
            }
          : undefined,
        requestModels,
        requestParameters: method.request_parameters as Record<string, boolean> | undefined,
        integration: {
          type: "AWS",
          integrationHttpMethod: "POST",
          uri: integrationConfig.uri as string,
          requestTemplates: integrationConfig.request_templates as Record<string, string> | undefined,
          passthroughBehavior:
            integrationConfig.passthrough_behavior as RestApiMethod["integration"]["passthroughBehavior"],
          integrationResponses: integrationResponses.filter(sameMethod(method)).map(
            ([, r]): IntegrationResponseDefinition => ({
              statusCode: r.status_code as string,
              selectionPattern: r.selection_pattern as string | undefined,
              responseTemplates: r.response_templates as Record<string, string> | undefined,
              responseParameters: r.response_parameters as Record<string, string> | undefined,
            }),
          ),
        },
        methodResponses: methodResponses.filter(sameMethod(method)).map(([, r]) => ({
          statusCode: r.status_code as string,
          responseParameters: r.response_parameters as Record<string, boolean> | undefined,
        })),
      };
      const resourcePath = pathOf(method.resource_id as string);
      const entry = restResources.get(resourcePath) ?? {
        path: resourcePath,
        id: method.resource_id as string,
        methods: [],
      };
      entry.methods.push(restMethod);
      restResources.set(resourcePath, entry);
    }

    const gatewayResponses = all(model, "aws_api_gateway_gateway_response")
      .filter(belongs)
      .map(
        ([, r]): GatewayResponseDefinition => ({
          responseType: r.response_type as GatewayResponseType,
          statusCode: r.status_code as string | undefined,
          responseTemplates: r.response_templates as Record<string, string> | undefined,
          responseParameters: r.response_parameters as Record<string, string> | undefined,
        }),
      );

    return {
      apiId,
      stageName: stage.stage_name as string,
      stageVariables: stage.variables as Record<string, string> | undefined,
      resources: [...restResources.values()].sort((a, b) => a.path.localeCompare(b.path)),
      gatewayResponses,
      apiKeys: apiKeysOfStage(model, apiKeys, apiId, stage.stage_name as string),
    };
  });
}

/** How a stage's callers authenticate, named like the values of CQRS_API_AUTH. */
export type StageAuth = "iam" | "api_key" | "none";

/** `iam` when a method is `AWS_IAM`, else `api_key` when a method requires a key, else `none`. */
export function stageAuthOf(api: RestApiDefinition): StageAuth {
  const methods = api.resources.flatMap((resource) => resource.methods);
  if (methods.some((method) => method.authorization === "AWS_IAM")) return "iam";
  if (methods.some((method) => method.apiKeyRequired)) return "api_key";
  return "none";
}
