import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { summaryDeltaOf } from "../domain/summary-delta";
import type { SummaryDelta } from "../domain/types";
import { requireEnvironmentVariable } from "../shared/environment";
import { deltasMessageBodies, toQueueMessageBody } from "../shared/queue-message";
import { type OutgoingMessage, sendMessageBatches } from "./send-message-batches";

const queueUrl = requireEnvironmentVariable("SUMMARY_QUEUE_URL");
const logger = new Logger();
const client = new SQSClient({});

/**
 * Details-table stream -> summary-updates queue: the batch's records as deltas (computed with the same
 * domain code as the writer), grouped by account, each account once, packed into as few messages as
 * fit 64 KiB, so that a batch of many accounts costs a few SQS requests rather than one per account. A record that
 * cannot be turned into a delta goes alone as its change record, so it fails on the apply side and
 * reaches the DLQ. Only records whose message could not be sent are reported.
 */
export const handler = async (
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> => {
  if (context) {
    logger.addContext(context);
  }
  const deltas: SummaryDelta[] = [];
  const sequenceNumbersByEventId = new Map<string, string[]>();
  const messages: OutgoingMessage[] = [];
  const sequenceNumbersOfMessage = new Map<string, string[]>();
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
    try {
      const delta = summaryDeltaOf(record);
      deltas.push(delta);
      sequenceNumbersByEventId.set(delta.eventId, [
        ...(sequenceNumbersByEventId.get(delta.eventId) ?? []),
        sequenceNumber,
      ]);
    } catch {
      const id = `record-${messages.length}`;
      messages.push({ id, body: toQueueMessageBody(record) });
      sequenceNumbersOfMessage.set(id, [sequenceNumber]);
    }
  }
  for (const message of deltasMessageBodies(deltas)) {
    const id = `deltas-${messages.length}`;
    messages.push({ id, body: message.body });
    sequenceNumbersOfMessage.set(
      id,
      message.eventIds.flatMap((eventId) => sequenceNumbersByEventId.get(eventId) ?? []),
    );
  }

  const outcome = await sendMessageBatches(client, queueUrl, messages);
  const failedSequenceNumbers = new Set(
    outcome.failedIds.flatMap((id) => sequenceNumbersOfMessage.get(id) ?? []),
  );
  for (const failure of outcome.failures) {
    logger.error("Records not sent; reported as failed", {
      sequenceNumbers: failure.ids.flatMap((id) => sequenceNumbersOfMessage.get(id) ?? []),
      reason: failure.reason,
      error: failure.cause as Error | undefined,
    });
  }
  logger.info("Batch forwarded", {
    batchSize: event.Records.length,
    messages: messages.length,
    sent: outcome.sentIds.length,
  });
  return {
    batchItemFailures: event.Records.map((record) => record.dynamodb?.SequenceNumber ?? "")
      .filter((sequenceNumber) => failedSequenceNumbers.has(sequenceNumber))
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
};
