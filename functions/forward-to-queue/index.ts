import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { requireEnvironmentVariable } from "../shared/environment";
import { toQueueMessageBody } from "../shared/queue-message";
import { sendMessageBatches } from "./send-message-batches";

const queueUrl = requireEnvironmentVariable("SUMMARY_QUEUE_URL");
const logger = new Logger();
const client = new SQSClient({});

/**
 * Details-table stream -> summary-updates queue. Records are forwarded unchanged in meaning
 * (the consumer computes the delta); only records that could not be sent are reported.
 */
export const handler = async (
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> => {
  if (context) {
    logger.addContext(context);
  }
  const outcome = await sendMessageBatches(
    client,
    queueUrl,
    event.Records.map((record) => ({
      id: record.dynamodb?.SequenceNumber ?? "",
      body: toQueueMessageBody(record),
    })),
  );
  for (const failure of outcome.failures) {
    logger.error("Records not sent; reported as failed", {
      sequenceNumbers: failure.ids,
      reason: failure.reason,
      error: failure.cause as Error | undefined,
    });
  }
  logger.info("Batch forwarded", { batchSize: event.Records.length, sent: outcome.sentIds.length });
  return { batchItemFailures: outcome.failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
};
