import { type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDbWriteCounters } from "../../emulator/faults";
import { queueDepth } from "../../emulator/queue-depth";
import type { RunningStack } from "../../emulator/stack-runtime";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import { OUTPUTS } from "../../stacks/outputs";
import type { TrafficLog } from "./traffic";

/** One stack, one instant. Counts are cumulative since the start; the report derives rates. */
export interface StackSample {
  /** Seconds since the traffic started. */
  t: number;
  sent: number;
  accepted: number;
  /** Orders the summary table reflects: the sum of order_count over the run's accounts. */
  projected: number;
  /** Accepted but not yet reflected. */
  lag: number;
  /** Invocations per function (short name, e.g. project-summary). */
  invocations: Record<string, number>;
  /** Invocations that failed or timed out. */
  errors: number;
  /** Stream batch retries and bisections, plus SQS messages left to be received again. */
  retries: number;
  summaryWrites: number;
  throttledSummaryWrites: number;
  consumedSummaryWcu: number;
  /**
   * Age in seconds of the oldest details-stream record the stream consumer has not processed yet:
   * how far behind the stream's reader is (what Lambda's IteratorAge shows).
   */
  iteratorAgeSeconds: number;
  /** queued-projection: messages in the summary-updates queue (visible, in flight, delayed). */
  queueDepth?: number;
  dlqDepth?: number;
  /** Messages (each one describes a batch given up on) in the stream mapping's on-failure destination. */
  failureQueueMessages: number;
}

export interface SamplerClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
}

const sum = (counts: Record<string, number> | undefined) =>
  Object.values(counts ?? {}).reduce((total, n) => total + n, 0);

/**
 * Function name without the stack's prefix: cqrs-direct-dev-project-summary -> project-summary. Every
 * resource of a stack is named `<prefix>-<purpose>`, its summary table `<prefix>-summary`.
 */
function shortName(functionName: string, summaryTable: string): string {
  const prefix = `${summaryTable.replace(/-summary$/, "")}-`;
  return functionName.startsWith(prefix) ? functionName.slice(prefix.length) : functionName;
}

/** Reads a running stack's counters, tables and queues for one sample. */
export class StackSampler {
  private readonly summaryTable: string;
  private readonly accountPrefix: string;

  constructor(
    readonly stack: RunningStack,
    private readonly traffic: TrafficLog,
    private readonly clients: SamplerClients,
    private readonly writeCounters: (tables: string[]) => DynamoDbWriteCounters,
    runId: string,
    private readonly startedAtMs: number,
  ) {
    this.summaryTable = stack.outputs[OUTPUTS.summaryTableName] as string;
    this.accountPrefix = `${runId}-`;
  }

  async sample(): Promise<StackSample> {
    const now = Date.now();
    const { stack, traffic } = this;
    const [projected, depth, dlqDepth, failureQueueMessages] = await Promise.all([
      this.projectedOrders(),
      this.depthOf(OUTPUTS.summaryUpdatesQueueUrl),
      this.depthOf(OUTPUTS.summaryUpdatesDlqUrl),
      this.depthOf(OUTPUTS.failureQueueUrl),
    ]);
    const invocations: Record<string, number> = {};
    let errors = 0;
    for (const fn of stack.functions.values()) {
      invocations[shortName(fn.name, this.summaryTable)] = fn.stats.invocations;
      errors += fn.stats.failures + fn.stats.timeouts;
    }
    let retries = 0;
    let streamProcessed = 0;
    for (const mapping of stack.mappings) {
      const stats = mapping.source.stats;
      if ("recordsSucceeded" in stats) {
        retries += stats.retries + stats.bisections;
        streamProcessed += stats.recordsSucceeded + stats.recordsDiscarded;
      } else {
        retries += stats.messagesFailed;
      }
    }
    const oldestUnprocessed = traffic.acceptedAtMs[streamProcessed];
    const counters = this.writeCounters([this.summaryTable]);
    return {
      t: Math.round((now - this.startedAtMs) / 100) / 10,
      sent: traffic.sent,
      accepted: traffic.accepted,
      projected,
      lag: traffic.accepted - projected,
      invocations,
      errors,
      retries,
      summaryWrites: sum(counters.writes[this.summaryTable]),
      throttledSummaryWrites: sum(counters.throttled[this.summaryTable]),
      consumedSummaryWcu: counters.consumedWriteCapacity[this.summaryTable] ?? 0,
      iteratorAgeSeconds:
        oldestUnprocessed === undefined ? 0 : Math.max(0, Math.round((now - oldestUnprocessed) / 100) / 10),
      queueDepth: depth,
      dlqDepth,
      failureQueueMessages: failureQueueMessages ?? 0,
    };
  }

  private async projectedOrders(): Promise<number> {
    let total = 0;
    const pages = paginateScan(
      { client: this.clients.dynamodb },
      { TableName: this.summaryTable, ProjectionExpression: `${SUMMARY.accountId}, ${SUMMARY.orderCount}` },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (item[SUMMARY.accountId]?.S?.startsWith(this.accountPrefix))
          total += Number(item[SUMMARY.orderCount]?.N ?? 0);
      }
    }
    return total;
  }

  private async depthOf(output: string): Promise<number | undefined> {
    const url = this.stack.outputs[output];
    return typeof url === "string" ? queueDepth(this.clients.sqs, url) : undefined;
  }
}
