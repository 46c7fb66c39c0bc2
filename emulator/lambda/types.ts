import type { FunctionLogs } from "./function-logs";

export interface LocalFunctionConfig {
  name: string;
  /** Absolute path to the CommonJS bundle. */
  bundleFile: string;
  /** "index.handler" style: module stem, a dot, the export name. */
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySizeMb?: number;
  /** How many execution environments (workers) may run at once; further invocations wait. Default 10. */
  maxConcurrency?: number;
  region?: string;
  /** Defaults to arn:aws:lambda:<region>:000000000000:function:<name>. */
  functionArn?: string;
  /** Where the handler's stdout/stderr goes. Default "inherit". */
  logs?: FunctionLogs;
}

export interface InvocationSucceeded {
  ok: true;
  payload: unknown;
  requestId: string;
  durationMs: number;
}

export interface InvocationFailed {
  ok: false;
  /** e.g. "Error", "Sandbox.Timedout", "Runtime.ImportModuleError", "Runtime.ExitError". */
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
  requestId: string;
  durationMs: number;
}

export type InvocationResult = InvocationSucceeded | InvocationFailed;

/** What an event source mapping calls: one synchronous (RequestResponse) invocation. */
export type FunctionInvoke = (event: unknown) => Promise<InvocationResult>;

export interface Invocation {
  functionName: string;
  functionArn: string;
  /** The function's configured timeout. */
  timeoutSeconds: number;
  event: unknown;
}

/**
 * Wraps an invocation from the outside, e.g. for fault injection: it may change the event, skip or repeat
 * `next`, delay, or replace the result. Calling `next` runs the real handler in an execution environment.
 */
export type InvocationMiddleware = (
  invocation: Invocation,
  next: (event: unknown) => Promise<InvocationResult>,
) => Promise<InvocationResult>;

export interface InvokeOptions {
  /** Applied inside the function's registered middleware, outside the handler. */
  middleware?: InvocationMiddleware[];
}

export interface LocalFunctionStats {
  invocations: number;
  failures: number;
  timeouts: number;
  coldStarts: number;
  inFlight: number;
  maxInFlight: number;
  environments: number;
}

/** Messages between the main thread and a runtime worker. */
export interface WorkerInit {
  functionName: string;
  functionArn: string;
  bundleFile: string;
  handler: string;
  memorySizeMb: number;
}

export interface WorkerInvokeRequest {
  type: "invoke";
  requestId: string;
  event: unknown;
  deadlineMs: number;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string; stackTrace?: string[] }
  | { type: "result"; requestId: string; ok: true; payload: unknown }
  | {
      type: "result";
      requestId: string;
      ok: false;
      errorType: string;
      errorMessage: string;
      stackTrace?: string[];
    };
