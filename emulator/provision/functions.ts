import { existsSync } from "node:fs";
import * as path from "node:path";
import { type FunctionLogs, LocalFunction } from "../lambda";
import { assertSupported, UnsupportedConfigurationError } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";

export interface FunctionEndpoints {
  dynamodb: string;
  sqs: string;
}

/** Runtimes whose handlers the local Node.js can execute. */
const NODE_RUNTIMES = /^nodejs\d+\.x$/;

/**
 * Loads every `aws_lambda_function` from the folder its zip file is in, which must hold the zip's files
 * unpacked (as a synthesized bundle folder does), with its environment resolved
 * to the local resources. The AWS SDK inside reaches the emulators through the standard
 * AWS_ENDPOINT_URL_* variables.
 */
export function createFunctions(
  model: StackModel,
  endpoints: FunctionEndpoints,
  logs: FunctionLogs = "inherit",
): Map<string, LocalFunction> {
  const functions = new Map<string, LocalFunction>();
  for (const [logicalId, raw] of model.resources("aws_lambda_function")) {
    assertSupported("aws_lambda_function", logicalId, raw);
    const where = `aws_lambda_function.${logicalId}`;
    const config = model.resolved("aws_lambda_function", logicalId);
    const runtime = String(config.runtime);
    if (!NODE_RUNTIMES.test(runtime)) {
      throw new UnsupportedConfigurationError(`${where}: runtime "${runtime}" cannot run locally`);
    }
    const zip = String(config.filename ?? "");
    const handler = String(config.handler);
    const moduleStem = handler.slice(0, handler.lastIndexOf("."));
    const bundleFile = path.resolve(path.dirname(zip), `${moduleStem}.js`);
    if (!existsSync(zip) || !existsSync(bundleFile)) {
      throw new UnsupportedConfigurationError(
        `${where}: attribute "filename" must name a zip with its files unpacked beside it, ${moduleStem}.js among them, to run locally (got "${zip}")`,
      );
    }
    const name = String(config.function_name);
    const variables = ((config.environment as { variables?: Record<string, string> } | undefined)
      ?.variables ?? {}) as Record<string, string>;
    const fn = new LocalFunction({
      name,
      bundleFile,
      handler,
      timeoutSeconds: Number(config.timeout ?? 3),
      memorySizeMb: Number(config.memory_size ?? 128),
      region: model.region,
      logs,
      environment: {
        ...variables,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      },
    });
    model.setComputed("aws_lambda_function", logicalId, {
      arn: fn.arn,
      function_name: name,
      id: name,
      invoke_arn: `arn:aws:apigateway:${model.region}:lambda:path/2015-03-31/functions/${fn.arn}/invocations`,
    });
    functions.set(fn.arn, fn);
  }
  return functions;
}
