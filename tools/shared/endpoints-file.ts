import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { ApiSigning, RunningStack } from "../../emulator/stack-runtime";
import { PROJECT_ROOT } from "./synthesize";

/** What `npm start` tells other local tools about one running stack. */
export interface StackEndpoints {
  /** API base URL, e.g. http://127.0.0.1:4010/dev */
  url: string;
  /** How callers authenticate: `iam` (sign with `signing`), `api_key` (send `apiKey`) or `none`. */
  auth: RunningStack["auth"];
  apiKey: string | null;
  /** Region and credentials (generated for this run) that sign requests to an `iam` API. */
  signing: ApiSigning | null;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** The stack's Terraform outputs resolved to the local resources (details_table_name, failure_queue_url, ...). */
  outputs: Record<string, unknown>;
}

/** `.cqrs-local/endpoints.json`: one entry per running stack, by stack name. */
export type EndpointsFile = Record<string, StackEndpoints>;

export const DEFAULT_STATE_DIR = path.join(PROJECT_ROOT, ".cqrs-local");
export const ENDPOINTS_FILE_NAME = "endpoints.json";

export class EndpointsFileError extends Error {
  override name = "EndpointsFileError";
}

export function stackEndpoints(
  stack: Pick<RunningStack, "url" | "auth" | "apiKey" | "signing" | "outputs">,
  emulators: { dynamodbEndpoint: string; sqsEndpoint: string },
): StackEndpoints {
  return {
    url: stack.url,
    auth: stack.auth,
    apiKey: stack.apiKey,
    signing: stack.signing,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    outputs: stack.outputs,
  };
}

/** Writes `<stateDir>/endpoints.json`, readable by its owner only (it holds keys), and returns its path. */
export function writeEndpointsFile(endpoints: EndpointsFile, stateDir: string = DEFAULT_STATE_DIR): string {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, ENDPOINTS_FILE_NAME);
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Reads and checks an endpoints file; the error says what to do when it is missing or from an older `npm start`. */
export function readEndpointsFile(
  file: string = path.join(DEFAULT_STATE_DIR, ENDPOINTS_FILE_NAME),
): EndpointsFile {
  if (!existsSync(file)) {
    throw new EndpointsFileError(`${file} does not exist: start the local stacks first with \`npm start\``);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EndpointsFileError(`${file} is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new EndpointsFileError(`${file} must hold an object keyed by stack name`);
  for (const [stack, entry] of Object.entries(parsed)) {
    const problem = entryProblem(entry);
    if (problem) {
      throw new EndpointsFileError(
        `${file}: stack "${stack}" ${problem}; restart \`npm start\` to rewrite the file`,
      );
    }
  }
  return parsed as EndpointsFile;
}

function entryProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "is not an object";
  for (const key of ["url", "dynamodbEndpoint", "sqsEndpoint"] as const) {
    if (typeof entry[key] !== "string") return `has no "${key}"`;
  }
  if (!["iam", "api_key", "none"].includes(entry.auth as string)) return `has no valid "auth"`;
  if (entry.apiKey !== null && typeof entry.apiKey !== "string") return `has an invalid "apiKey"`;
  if (entry.signing !== null && !isSigning(entry.signing)) return `has an invalid "signing"`;
  if (!isRecord(entry.outputs)) return `has no "outputs"`;
  return undefined;
}

function isSigning(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.region === "string" &&
    isRecord(value.credentials) &&
    typeof value.credentials.accessKeyId === "string" &&
    typeof value.credentials.secretAccessKey === "string"
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
