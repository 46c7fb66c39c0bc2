export type { DynamoDbTarget } from "./dynamodb-integration";
export type { RestApiAccessLog, RestApiDependencies, RestApiRequest } from "./handle-request";
export { handleRestApiRequest } from "./handle-request";
export type { RunningRestApi } from "./server";
export { createRestApiServer, startRestApiServer } from "./server";
export type * from "./types";
export type { MappingTemplateVariables, TemplateContext } from "./vtl";
export { createTemplateContext, overriddenStatus, renderMappingTemplate } from "./vtl";
