import { parseArgs } from "node:util";
import { DEFAULT_SETTLE_SECONDS } from "./reconcile";

export const RECONCILE_USAGE = `Usage:
  npm run reconcile -- --local [--stack NAME] [--endpoints-file FILE]
                       [--fix [--settle-seconds N] [--ignore-queues]]
  npm run reconcile -- --details-table T --summary-table S [--region R] [--queue-url U]...
                       [--fix [--settle-seconds N] [--ignore-queues]]

Recomputes every account's summary from the details table and reports where the summary table differs.
--local reads the stacks started by \`npm start\` (.cqrs-local/endpoints.json; every stack unless
--stack). Otherwise it reads the named tables in AWS with the default credential chain; pass the stack's
failure, dead-letter and update queue URLs with --queue-url (terraform output).

--fix rewrites a drifting summary once the drift is seen identically twice, --settle-seconds apart
(default ${DEFAULT_SETTLE_SECONDS}); an account the projection changes meanwhile is skipped. It refuses while a queue
holds messages (they would count twice once applied) unless --ignore-queues.

Exit status: 0 no drift (or all of it fixed), 1 drift remains, 2 usage, configuration or access error.`;

export class ReconcileUsageError extends Error {
  override name = "ReconcileUsageError";
}

interface FixSettings {
  fix: boolean;
  settleSeconds: number;
  ignoreQueues: boolean;
}

export type ReconcileInvocation =
  | { mode: "help" }
  | ({ mode: "local"; stack?: string; endpointsFile?: string } & FixSettings)
  | ({
      mode: "aws";
      detailsTable: string;
      summaryTable: string;
      region?: string;
      queueUrls: string[];
    } & FixSettings);

/** Reads the command line; a ReconcileUsageError names the flag at fault. */
export function parseReconcileArguments(argv: string[]): ReconcileInvocation {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new ReconcileUsageError((error as Error).message);
  }
  if (values.help) return { mode: "help" };
  const settings = fixSettings(values);
  const aws = { "--details-table": values["details-table"], "--summary-table": values["summary-table"] };
  if (values.local) {
    const conflicting = [
      ...Object.entries(aws)
        .filter(([, value]) => value !== undefined)
        .map(([flag]) => flag),
      ...(values.region !== undefined ? ["--region"] : []),
      ...(values["queue-url"] !== undefined ? ["--queue-url"] : []),
    ];
    if (conflicting.length > 0) {
      throw new ReconcileUsageError(
        `--local takes tables and queues from the running stack: drop ${conflicting.join(", ")}`,
      );
    }
    return { mode: "local", stack: values.stack, endpointsFile: values["endpoints-file"], ...settings };
  }
  for (const flag of ["--stack", "--endpoints-file"] as const) {
    if (values[flag.slice(2) as "stack" | "endpoints-file"] !== undefined) {
      throw new ReconcileUsageError(`${flag} needs --local`);
    }
  }
  const missing = Object.entries(aws).filter(([, value]) => value === undefined);
  if (missing.length === 2) {
    throw new ReconcileUsageError("pass --local, or --details-table and --summary-table");
  }
  if (missing.length === 1) throw new ReconcileUsageError(`${missing[0][0]} is missing`);
  for (const [flag, value] of Object.entries(aws)) {
    if (value === "") throw new ReconcileUsageError(`${flag} must not be empty`);
  }
  return {
    mode: "aws",
    detailsTable: values["details-table"] as string,
    summaryTable: values["summary-table"] as string,
    region: values.region,
    queueUrls: values["queue-url"] ?? [],
    ...settings,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      local: { type: "boolean" },
      stack: { type: "string" },
      "endpoints-file": { type: "string" },
      "details-table": { type: "string" },
      "summary-table": { type: "string" },
      region: { type: "string" },
      "queue-url": { type: "string", multiple: true },
      fix: { type: "boolean" },
      "settle-seconds": { type: "string" },
      "ignore-queues": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function fixSettings(values: ReturnType<typeof parse>["values"]): FixSettings {
  const settle = values["settle-seconds"];
  if (!values.fix) {
    const fixOnly = [
      ...(settle !== undefined ? ["--settle-seconds"] : []),
      ...(values["ignore-queues"] ? ["--ignore-queues"] : []),
    ];
    if (fixOnly.length > 0)
      throw new ReconcileUsageError(
        `${fixOnly.join(" and ")} ${fixOnly.length === 1 ? "applies" : "apply"} only with --fix`,
      );
  }
  if (settle !== undefined && !/^\d+(\.\d+)?$/.test(settle)) {
    throw new ReconcileUsageError(
      `--settle-seconds must be a number of seconds (0 or more), got "${settle}"`,
    );
  }
  return {
    fix: values.fix ?? false,
    settleSeconds: settle === undefined ? DEFAULT_SETTLE_SECONDS : Number(settle),
    ignoreQueues: values["ignore-queues"] ?? false,
  };
}
