import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { sendMessageBatches } from "../forward-to-queue/send-message-batches";
import { requireEnvironmentVariable } from "../shared/environment";
import { deltasFromQueueMessage } from "../shared/queue-message";
import { applyDeltas, retryDeadline } from "../summary/apply-deltas";
import { logProjectionOutcome } from "../summary/log-projection-outcome";
import { type BatchRecordReader, projectBatch } from "../summary/project-batch";
import { summaryTablesFromEnvironment } from "../summary/summary-tables";
import { writeBudgetFromEnvironment } from "../summary/write-budget";

const tables = summaryTablesFromEnvironment();
const queueUrl = requireEnvironmentVariable("SUMMARY_QUEUE_URL");
/** The queue's redrive policy: the receive after which a failed message moves to the DLQ. */
const maxReceiveCount = Number(requireEnvironmentVariable("SUMMARY_QUEUE_MAX_RECEIVE_COUNT"));
const logger = new Logger();
const client = new DynamoDBClient({});
const sqs = new SQSClient({});
/** This execution environment's share of the summary table's write capacity. */
const budget = writeBudgetFromEnvironment();

/** The longest delay SQS allows on a message. */
const MAX_DELAY_SECONDS = 900;

const queueMessageReader: BatchRecordReader<SQSRecord> = {
  itemIdentifier: (message) => message.messageId,
  deltasOf: (message) => deltasFromQueueMessage(message.body),
};

const receiveCount = (message: SQSRecord) => Number(message.attributes.ApproximateReceiveCount) || 1;

/**
 * summary-updates queue -> summary table. A message that cannot be projected is reported as failed on
 * every receive, so the redrive policy moves it to the DLQ. Writes are paced to the write budget, the
 * accounts of the most-received messages first. A message whose writes the budget could not pay for
 * before the deadline is reported failed and comes back after the visibility timeout, like a throttled
 * one, unless this was one of its last two receives before the DLQ: then it is sent to the queue again as
 * a new message (delayed until the budget has refilled) and reported done, so waiting for capacity never
 * leads a good message to the DLQ. Its records carry their own identities, so a copy of a record already
 * applied is dropped like any redelivery. Only those few are sent: sending every unpaid message of a
 * large batch again would take longer than the invocation has left, and a timeout after sending
 * doubles them.
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

  const deferred = new Set<string>();
  const nearTheDlq = new Set(
    event.Records.filter((message) => receiveCount(message) >= maxReceiveCount - 1).map(
      (message) => message.messageId,
    ),
  );
  const unpaid = new Set(outcome.unpaidItemIdentifiers.filter((id) => nearTheDlq.has(id)));
  if (unpaid.size > 0) {
    const resent = await sendMessageBatches(
      sqs,
      queueUrl,
      event.Records.filter((message) => unpaid.has(message.messageId)).map((message) => ({
        id: message.messageId,
        body: message.body,
      })),
      Math.min(MAX_DELAY_SECONDS, Math.ceil(budget.secondsUntilFull())),
    );
    for (const id of resent.sentIds) deferred.add(id);
    logger.info("Messages the write budget could not pay for were sent again", {
      deferred: resent.sentIds.length,
      notSent: resent.failedIds.length,
    });
  }
  return {
    batchItemFailures: outcome.failedItemIdentifiers
      .filter((itemIdentifier) => !deferred.has(itemIdentifier))
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
};
