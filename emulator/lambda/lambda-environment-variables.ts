import { localCredentials } from "../local-credentials";

/**
 * The variables Lambda defines for every function, then the function's own. Nothing is inherited from
 * the host process, so two functions never see each other's settings. Dummy credentials keep the SDK
 * from looking for real ones.
 */
export function lambdaEnvironmentVariables(options: {
  functionName: string;
  handler: string;
  memorySizeMb: number;
  region: string;
  environment: Record<string, string>;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
    // The bundle runs on nodejs24.x in AWS; the SDK's warning about this machine's Node 20 does not apply to it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    _HANDLER: options.handler,
    ...options.environment,
  };
}
