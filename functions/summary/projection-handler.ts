import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { applyDeltas, retryDeadline } from "./apply-deltas";
import { logProjectionOutcome } from "./log-projection-outcome";
import { type BatchRecordReader, type ProjectionOutcome, projectBatch } from "./project-batch";
import { summaryTablesFromEnvironment } from "./summary-tables";
import type { WriteBudget } from "./write-budget";

/** What sets one projection handler apart from another: its event source and how it spends capacity. */
export interface ProjectionHandlerOptions<TRecord> {
  /** Reads a record's identifier (for partial batch responses) and its summary deltas. */
  readonly reader: BatchRecordReader<TRecord>;
  /** The order in which the records are applied. Default: the event's order. */
  readonly order?: (records: readonly TRecord[]) => TRecord[];
  /** Paces the summary writes to a share of the table's write capacity. Default: no pacing. */
  readonly budget?: WriteBudget;
  /**
   * Runs once the batch is projected, with the logger of the handler; returns the identifiers of failed
   * records it has taken care of, which are then not reported as failed. Default: none.
   */
  readonly settleFailures?: (
    records: readonly TRecord[],
    outcome: ProjectionOutcome,
    logger: Logger,
  ) => Promise<ReadonlySet<string>>;
}

export interface BatchEvent<TRecord> {
  readonly Records: TRecord[];
}

export interface PartialBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * A Lambda handler that applies each record of a batch to the summary table exactly once and reports
 * the records it could not apply as batch item failures, so the event source mapping retries only those.
 */
export function projectionHandler<TRecord>(
  options: ProjectionHandlerOptions<TRecord>,
): (event: BatchEvent<TRecord>, context?: Context) => Promise<PartialBatchResponse> {
  const tables = summaryTablesFromEnvironment();
  const logger = new Logger();
  const client = new DynamoDBClient({});
  const { reader, order = (records) => [...records], budget, settleFailures } = options;

  return async (event, context) => {
    if (context) {
      logger.addContext(context);
    }
    const outcome = await projectBatch(order(event.Records), reader, (deltas) =>
      applyDeltas(client, tables, deltas, { retry: { retryUntil: retryDeadline(context) }, budget }),
    );
    logProjectionOutcome(logger, event.Records.length, outcome);
    const settled = settleFailures ? await settleFailures(event.Records, outcome, logger) : new Set<string>();
    return {
      batchItemFailures: outcome.failedItemIdentifiers
        .filter((itemIdentifier) => !settled.has(itemIdentifier))
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  };
}
