import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { type FunctionLogs, LocalFunction } from "../lambda";
import {
  assertSupported,
  REFERENCE_TO_ARCHIVE,
  UnsupportedConfigurationError,
} from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";

export interface FunctionEndpoints {
  dynamodb: string;
  sqs: string;
}

/** Runtimes whose handlers the local Node.js can execute. */
const NODE_RUNTIMES = /^nodejs\d+\.x$/;

/**
 * Loads every `aws_lambda_function` from the bundle its `archive_file` zips, with its environment resolved
 * to the local resources. The AWS SDK inside reaches the emulators through the standard
 * AWS_ENDPOINT_URL_* variables.
 */
export function createFunctions(
  model: StackModel,
  endpoints: FunctionEndpoints,
  logs: FunctionLogs = "inherit",
): Map<string, LocalFunction> {
  describeArchives(model);
  const functions = new Map<string, LocalFunction>();
  for (const [logicalId, raw] of model.resources("aws_lambda_function")) {
    assertSupported("aws_lambda_function", logicalId, raw);
    const where = `aws_lambda_function.${logicalId}`;
    const config = model.resolved("aws_lambda_function", logicalId);
    const runtime = String(config.runtime);
    if (!NODE_RUNTIMES.test(runtime)) {
      throw new UnsupportedConfigurationError(`${where}: runtime "${runtime}" cannot run locally`);
    }
    const archive = REFERENCE_TO_ARCHIVE.exec(String(raw.filename ?? ""));
    if (!archive) {
      throw new UnsupportedConfigurationError(
        `${where}: attribute "filename" must reference a data.archive_file output_path to run locally`,
      );
    }
    const archiveConfig = model.resolved("archive_file", archive[1], "data");
    const sourceDir = archiveConfig.source_dir as string | undefined;
    if (!sourceDir) {
      throw new UnsupportedConfigurationError(
        `data.archive_file.${archive[1]}: only source_dir archives run locally`,
      );
    }
    const handler = String(config.handler);
    const moduleStem = handler.slice(0, handler.lastIndexOf("."));
    const name = String(config.function_name);
    const variables = ((config.environment as { variables?: Record<string, string> } | undefined)
      ?.variables ?? {}) as Record<string, string>;
    const fn = new LocalFunction({
      name,
      bundleFile: path.resolve(sourceDir, `${moduleStem}.js`),
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

/** Content digest of a folder: files in name order, each contributing its relative path and bytes. */
function folderDigest(dir: string): string {
  const hash = createHash("sha256");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => statSync(path.join(dir, file)).isFile())
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(path.join(dir, file)));
  return hash.digest("base64");
}

/**
 * Locally a function runs straight from the folder its archive would zip, so `output_path` is that folder
 * and `output_base64sha256` a digest of its content.
 */
function describeArchives(model: StackModel): void {
  for (const [name] of Object.entries(model.stack.document.data?.archive_file ?? {})) {
    const sourceDir = model.resolved("archive_file", name, "data").source_dir as string | undefined;
    if (!sourceDir) continue;
    model.setComputed(
      "archive_file",
      name,
      { output_path: sourceDir, output_base64sha256: folderDigest(sourceDir) },
      "data",
    );
  }
}
