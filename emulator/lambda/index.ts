export type { FunctionLogs } from "./function-logs";
export { LocalFunction } from "./local-function";
export type {
  FunctionInvoke,
  Invocation,
  InvocationFailed,
  InvocationMiddleware,
  InvocationResult,
  InvocationSucceeded,
  InvokeOptions,
  LocalFunctionConfig,
  LocalFunctionStats,
} from "./types";
