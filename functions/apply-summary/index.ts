import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { requireEnvironmentVariable } from "../shared/environment";
import { deltasFromQueueMessage } from "../shared/queue-message";
import { sendMessageBatches } from "../shared/send-message-batches";
import { applyDeltas, retryDeadline } from "../summary/apply-deltas";
import { logProjectionOutcome } from "../summary/log-projection-outcome";
import { type BatchRecordReader, type ProjectionOutcome, projectBatch } from "../summary/project-batch";
import { summaryTablesFromEnvironment } from "../summary/summary-tables";
import { writeBudgetFromEnvironment } from "../summary/write-budget";

const tables = summaryTablesFromEnvironment();
const queueUrl = requireEnvironmentVariable("SUMMARY_QUEUE_URL");
/** The queue's redrive policy moves a message to the DLQ after this many receives. */
const maxReceiveCount = Number(requireEnvironmentVariable("SUMMARY_QUEUE_MAX_RECEIVE_COUNT"));
const logger = new Logger();
const client = new DynamoDBClient({});
const sqs = new SQSClient({});
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
 * budget, the accounts of the most-received messages first. A message the budget could not pay for
 * before the deadline is reported as failed and comes back, unless this was its last receive before
 * the DLQ: then it is sent to the queue again, as a new message, and deleted, so waiting for capacity
 * never sends a good message to the DLQ (if that send fails, it is reported as failed). Only on the
 * last receive, so that an invocation failing after the send leaves at most one copy per message.
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
  const requeued = await sendAgain(
    messagesOutOfBudget(event.Records, outcome).filter((message) => receiveCount(message) >= maxReceiveCount),
  );
  if (requeued.size > 0) {
    logger.info("sent again for lack of write budget", { messages: requeued.size });
  }
  return {
    batchItemFailures: outcome.failedItemIdentifiers
      .filter((itemIdentifier) => !requeued.has(itemIdentifier))
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
};

/** Failed messages whose every failed record failed only for lack of write budget. */
function messagesOutOfBudget(messages: readonly SQSRecord[], outcome: ProjectionOutcome): SQSRecord[] {
  const failed = new Set(outcome.failedItemIdentifiers);
  const unprocessable = new Set(outcome.unprocessable.map((item) => item.itemIdentifier));
  const otherwiseFailed = new Set(
    outcome.writeFailures.filter((failure) => !failure.outOfBudget).flatMap((failure) => failure.eventIds),
  );
  return messages.filter(
    (message) =>
      failed.has(message.messageId) &&
      !unprocessable.has(message.messageId) &&
      deltasFromQueueMessage(message.body).every((delta) => !otherwiseFailed.has(delta.eventId)),
  );
}

/** The message ids whose bodies are on the queue again. */
async function sendAgain(messages: readonly SQSRecord[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const sent = await sendMessageBatches(
    sqs,
    queueUrl,
    messages.map((message) => ({ id: message.messageId, body: message.body })),
  );
  for (const failure of sent.failures) {
    logger.warn("could not send again; reported as failed", { reason: failure.reason, ids: failure.ids });
  }
  return new Set(sent.sentIds);
}
