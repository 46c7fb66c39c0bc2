import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/**
 * Where a function's stdout/stderr (e.g. Powertools JSON log lines) goes: "inherit" writes to this
 * process's stdout/stderr, "silent" drops it, a callback receives each line.
 */
export type FunctionLogs = "inherit" | "silent" | ((functionName: string, line: string) => void);

/** Worker options that capture the worker's output instead of inheriting it. */
export function workerOutputOptions(logs: FunctionLogs): { stdout: boolean; stderr: boolean } {
  const captured = logs !== "inherit";
  return { stdout: captured, stderr: captured };
}

/** Consumes a worker's captured stdout and stderr according to `logs`. */
export function routeWorkerOutput(
  output: { stdout: Readable; stderr: Readable },
  functionName: string,
  logs: FunctionLogs,
): void {
  if (logs === "inherit") return;
  for (const stream of [output.stdout, output.stderr]) {
    if (logs === "silent") {
      stream.resume();
      continue;
    }
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
      logs(functionName, line),
    );
  }
}
