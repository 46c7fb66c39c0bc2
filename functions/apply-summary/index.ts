import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { deltasFromQueueMessage } from "../shared/queue-message";
import { applyDeltas, retryDeadline } from "../summary/apply-deltas";
import { logProjectionOutcome } from "../summary/log-projection-outcome";
import { type BatchRecordReader, projectBatch } from "../summary/project-batch";
import { summaryTablesFromEnvironment } from "../summary/summary-tables";
import { writeBudgetFromEnvironment } from "../summary/write-budget";

const tables = summaryTablesFromEnvironment();
const logger = new Logger();
const client = new DynamoDBClient({});
/** This execution environment's share of the summary table's write capacity. */
const budget = writeBudgetFromEnvironment();

const queueMessageReader: BatchRecordReader<SQSRecord> = {
  itemIdentifier: (message) => message.messageId,
  deltasOf: (message) => deltasFromQueueMessage(message.body),
};

const receiveCount = (message: SQSRecord) => Number(message.attributes.ApproximateReceiveCount) || 1;

/**
 * summary-updates queue -> summary table. A message that cannot be projected is reported as
 * failed on every receive, so the redrive policy moves it to the DLQ. Writes are paced to the write
 * budget; the accounts of the most-received messages get it first, so a message the budget left
 * over in one invocation is among the first written in the next one that receives it.
 */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) {
    logger.addContext(context);
  }
  const mostReceivedFirst = [...event.Records].sort((a, b) => receiveCount(b) - receiveCount(a));
  const outcome = await projectBatch(mostReceivedFirst, queueMessageReader, (deltas) =>
    applyDeltas(client, tables, deltas, { retry: { retryUntil: retryDeadline(context) }, budget }),
  );
  logProjectionOutcome(logger, event.Records.length, outcome);
  return { batchItemFailures: outcome.failedItemIdentifiers.map((itemIdentifier) => ({ itemIdentifier })) };
};
