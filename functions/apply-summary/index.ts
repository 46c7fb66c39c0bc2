import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { deltasFromQueueMessage } from "../shared/queue-message";
import { applyDeltas, retryDeadline } from "../summary/apply-deltas";
import { logProjectionOutcome } from "../summary/log-projection-outcome";
import { type BatchRecordReader, projectBatch } from "../summary/project-batch";
import { summaryTablesFromEnvironment } from "../summary/summary-tables";

const tables = summaryTablesFromEnvironment();
const logger = new Logger();
const client = new DynamoDBClient({});

const queueMessageReader: BatchRecordReader<SQSRecord> = {
  itemIdentifier: (message) => message.messageId,
  deltasOf: (message) => deltasFromQueueMessage(message.body),
};

/**
 * summary-updates queue -> summary table. A message that cannot be projected is reported as
 * failed on every receive, so the redrive policy moves it to the DLQ.
 */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) {
    logger.addContext(context);
  }
  const outcome = await projectBatch(event.Records, queueMessageReader, (deltas) =>
    applyDeltas(client, tables, deltas, { retry: { retryUntil: retryDeadline(context) } }),
  );
  logProjectionOutcome(logger, event.Records.length, outcome);
  return { batchItemFailures: outcome.failedItemIdentifiers.map((itemIdentifier) => ({ itemIdentifier })) };
};
