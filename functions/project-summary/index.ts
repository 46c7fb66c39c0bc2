import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { summaryDeltaOf } from "../domain/summary-delta";
import { applyDeltas, retryDeadline } from "../summary/apply-deltas";
import { logProjectionOutcome } from "../summary/log-projection-outcome";
import { type BatchRecordReader, projectBatch } from "../summary/project-batch";
import { summaryTablesFromEnvironment } from "../summary/summary-tables";

const tables = summaryTablesFromEnvironment();
const logger = new Logger();
const client = new DynamoDBClient({});

const streamRecordReader: BatchRecordReader<DynamoDBRecord> = {
  itemIdentifier: (record) => record.dynamodb?.SequenceNumber ?? "",
  deltasOf: (record) => [summaryDeltaOf(record)],
};

/** Details-table stream -> summary table, each stream record applied exactly once. */
export const handler = async (
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> => {
  if (context) {
    logger.addContext(context);
  }
  const outcome = await projectBatch(event.Records, streamRecordReader, (deltas) =>
    applyDeltas(client, tables, deltas, { retry: { retryUntil: retryDeadline(context) } }),
  );
  logProjectionOutcome(logger, event.Records.length, outcome);
  return { batchItemFailures: outcome.failedItemIdentifiers.map((itemIdentifier) => ({ itemIdentifier })) };
};
