import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { sendMessageBatches } from "../forward-to-queue/send-message-batches";
import { requireEnvironmentVariable } from "../shared/environment";
import { deltasFromQueueMessage } from "../shared/queue-message";
import { projectionHandler } from "../summary/projection-handler";
import { writeBudgetFromEnvironment } from "../summary/write-budget";

const queueUrl = requireEnvironmentVariable("SUMMARY_QUEUE_URL");
/** The queue's redrive policy: the receive after which a failed message moves to the DLQ. */
const maxReceiveCount = Number(requireEnvironmentVariable("SUMMARY_QUEUE_MAX_RECEIVE_COUNT"));
const sqs = new SQSClient({});
/** This execution environment's share of the summary table's write capacity. */
const budget = writeBudgetFromEnvironment();

/** The longest delay SQS allows on a message. */
const MAX_DELAY_SECONDS = 900;

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
export const handler = projectionHandler<SQSRecord>({
  reader: {
    itemIdentifier: (message) => message.messageId,
    deltasOf: (message) => deltasFromQueueMessage(message.body),
  },
  order: (messages) => [...messages].sort((a, b) => receiveCount(b) - receiveCount(a)),
  budget,
  settleFailures: async (messages, outcome, logger) => {
    const nearTheDlq = new Set(
      messages
        .filter((message) => receiveCount(message) >= maxReceiveCount - 1)
        .map((message) => message.messageId),
    );
    const unpaid = new Set(outcome.unpaidItemIdentifiers.filter((id) => nearTheDlq.has(id)));
    if (unpaid.size === 0) return new Set();
    const resent = await sendMessageBatches(
      sqs,
      queueUrl,
      messages
        .filter((message) => unpaid.has(message.messageId))
        .map((message) => ({ id: message.messageId, body: message.body })),
      Math.min(MAX_DELAY_SECONDS, Math.ceil(budget.secondsUntilFull())),
    );
    logger.info("Messages the write budget could not pay for were sent again", {
      deferred: resent.sentIds.length,
      notSent: resent.failedIds.length,
    });
    return new Set(resent.sentIds);
  },
});
