import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import type { SummaryDelta } from "../domain/types";
import { sendMessageBatches } from "../forward-to-queue/send-message-batches";
import { requireEnvironmentVariable } from "../shared/environment";
import { deltasFromQueueMessage, deltasMessageBodies } from "../shared/queue-message";
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
/**
 * Bodies of unpaid messages sent again per invocation (a few SendMessageBatch calls), beyond those on their
 * last two receives, which are always sent: more could take longer than the reserve the deadline keeps.
 */
export const MAX_RESENT_BYTES = 1024 * 1024;

const receiveCount = (message: SQSRecord) => Number(message.attributes.ApproximateReceiveCount) || 1;
const mostReceivedFirst = (messages: readonly SQSRecord[]) =>
  [...messages].sort((a, b) => receiveCount(b) - receiveCount(a));

/**
 * summary-updates queue -> summary table. A message that cannot be projected is reported as failed on
 * every receive, so the redrive policy moves it to the DLQ. Writes are paced to the write budget, the
 * accounts of the most-received messages first. The records of a message that failed only because the
 * budget could not pay for them before the deadline are sent to the queue again, in new messages delayed
 * until the budget has refilled, and the message is reported done: the queue drains at the speed of the
 * budget, and waiting for capacity never leads a good message to the DLQ. Records carry their own
 * identities, so a copy of a record already applied is dropped like any redelivery. Past
 * MAX_RESENT_BYTES an unpaid message is reported failed and comes back after the visibility timeout,
 * unless it is on one of its last two receives.
 */
export const handler = projectionHandler<SQSRecord>({
  reader: {
    itemIdentifier: (message) => message.messageId,
    deltasOf: (message) => deltasFromQueueMessage(message.body),
  },
  order: mostReceivedFirst,
  budget,
  settleFailures: async (messages, outcome, logger) => {
    const unpaid = new Set(outcome.unpaidItemIdentifiers);
    if (unpaid.size === 0) return new Set();
    const chosen: SQSRecord[] = [];
    let bytes = 0;
    for (const message of mostReceivedFirst(messages).filter((m) => unpaid.has(m.messageId))) {
      const nearTheDlq = receiveCount(message) >= maxReceiveCount - 1;
      if (!nearTheDlq && bytes + Buffer.byteLength(message.body) > MAX_RESENT_BYTES) continue;
      chosen.push(message);
      bytes += Buffer.byteLength(message.body);
    }
    const unpaidEventIds = new Set(
      outcome.writeFailures.filter((failure) => failure.unpaid).flatMap((failure) => failure.eventIds),
    );
    const remainder = new Map<string, SummaryDelta>();
    for (const message of chosen) {
      for (const delta of deltasFromQueueMessage(message.body)) {
        if (unpaidEventIds.has(delta.eventId)) remainder.set(delta.eventId, delta);
      }
    }
    const resent = await sendMessageBatches(
      sqs,
      queueUrl,
      deltasMessageBodies([...remainder.values()]).map((sent, index) => ({
        id: `remainder-${index}`,
        body: sent.body,
      })),
      Math.min(MAX_DELAY_SECONDS, Math.ceil(budget.secondsUntilFull())),
    );
    logger.info("Records the write budget could not pay for were sent to the queue again", {
      messages: chosen.length,
      records: remainder.size,
      sent: resent.sentIds.length,
      notSent: resent.failedIds.length,
    });
    // A copy that was not sent leaves its records to the originals' redelivery (and any sent copy is then a duplicate).
    return resent.failedIds.length === 0 ? new Set(chosen.map((message) => message.messageId)) : new Set();
  },
});
