import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { localClientConfig } from "../../emulator/local-credentials";
import { OUTPUTS, QUEUE_URL_OUTPUTS } from "../../stacks/outputs";
import { EndpointsFileError, readEndpointsFile, type StackEndpoints } from "../shared/endpoints-file";
import { formatReport } from "./format-report";
import { type ReconcileOptions, type ReconcileStep, reconcile } from "./reconcile";
import { parseReconcileArguments, RECONCILE_USAGE, ReconcileUsageError } from "./reconcile-arguments";
import type { ReconcileTarget } from "./types";

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Exit status: 0 no drift left, 1 drift remains, 2 usage, configuration or access error. */
export const EXIT = { noDrift: 0, drift: 1, error: 2 } as const;

interface Run {
  title: string;
  target: ReconcileTarget;
  queues?: { sqs: SQSClient; queueUrls: string[] };
  destroy(): void;
}

class ReconcileConfigError extends Error {
  override name = "ReconcileConfigError";
}

/** The whole `npm run reconcile` command, minus process.exit. */
export async function runReconcileCli(argv: string[], output: CliOutput): Promise<number> {
  let runs: Run[];
  let invocation: ReturnType<typeof parseReconcileArguments>;
  try {
    invocation = parseReconcileArguments(argv);
    if (invocation.mode === "help") {
      output.out(RECONCILE_USAGE);
      return EXIT.noDrift;
    }
    runs = invocation.mode === "local" ? localRuns(invocation) : [awsRun(invocation)];
  } catch (error) {
    if (error instanceof ReconcileUsageError) {
      output.err(`error: ${error.message}`);
      output.err(RECONCILE_USAGE);
      return EXIT.error;
    }
    if (error instanceof EndpointsFileError || error instanceof ReconcileConfigError) {
      output.err(`error: ${error.message}`);
      return EXIT.error;
    }
    throw error;
  }

  let status: number = EXIT.noDrift;
  for (const run of runs) {
    output.out(run.title);
    const options: ReconcileOptions = {
      fix: invocation.fix,
      settleSeconds: invocation.settleSeconds,
      ignoreQueues: invocation.ignoreQueues,
      queues: run.queues,
      onStep: (step) => progress(step, output),
    };
    try {
      const report = await reconcile(run.target, options);
      for (const line of formatReport(report)) output.out(line);
      if (report.remainingDrifts.length > 0) status = Math.max(status, EXIT.drift);
    } catch (error) {
      output.err(`error: ${describeFailure(error, run.target)}`);
      status = EXIT.error;
    } finally {
      run.destroy();
    }
  }
  return status;
}

function progress(step: ReconcileStep, output: CliOutput): void {
  if (step.kind === "settling") {
    output.out(`checking again in ${step.seconds} s: only a drift seen twice the same is fixed...`);
  }
}

function localRuns(invocation: { stack?: string; endpointsFile?: string }): Run[] {
  const endpoints = readEndpointsFile(invocation.endpointsFile);
  const names = Object.keys(endpoints);
  if (invocation.stack !== undefined && !(invocation.stack in endpoints)) {
    throw new ReconcileConfigError(
      `--stack ${invocation.stack} is not running; running stacks: ${names.join(", ") || "none"}`,
    );
  }
  return (invocation.stack === undefined ? names : [invocation.stack]).map((name) =>
    localRun(name, endpoints[name]),
  );
}

function localRun(name: string, stack: StackEndpoints): Run {
  const output = (key: string): string => {
    const value = stack.outputs[key];
    if (typeof value !== "string" || value === "") {
      throw new ReconcileConfigError(`stack ${name} has no output "${key}" in the endpoints file`);
    }
    return value;
  };
  const detailsTable = output(OUTPUTS.detailsTableName);
  const summaryTable = output(OUTPUTS.summaryTableName);
  const queueUrls = QUEUE_URL_OUTPUTS.filter((key) => key in stack.outputs)
    .sort()
    .map(output);
  const dynamodb = new DynamoDBClient(localClientConfig(stack.dynamodbEndpoint));
  const sqs = new SQSClient(localClientConfig(stack.sqsEndpoint));
  return {
    title: `${name}: details ${detailsTable}, summary ${summaryTable}`,
    target: { dynamodb, detailsTable, summaryTable },
    queues: { sqs, queueUrls },
    destroy() {
      dynamodb.destroy();
      sqs.destroy();
    },
  };
}

function awsRun(invocation: {
  detailsTable: string;
  summaryTable: string;
  region?: string;
  queueUrls: string[];
}): Run {
  const region = invocation.region === undefined ? {} : { region: invocation.region };
  const dynamodb = new DynamoDBClient(region);
  const sqs = invocation.queueUrls.length > 0 ? new SQSClient(region) : undefined;
  const { detailsTable, summaryTable } = invocation;
  return {
    title: `details ${detailsTable}, summary ${summaryTable}`,
    target: { dynamodb, detailsTable, summaryTable },
    queues: sqs ? { sqs, queueUrls: invocation.queueUrls } : undefined,
    destroy() {
      dynamodb.destroy();
      sqs?.destroy();
    },
  };
}

function describeFailure(error: unknown, target: ReconcileTarget): string {
  if (error instanceof Error && error.name === "ResourceNotFoundException") {
    return `${error.message} (check --details-table ${target.detailsTable} and --summary-table ${target.summaryTable}, and the region)`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
