import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** SendMessageBatch accepts at most this many entries... */
export const MAX_MESSAGES_PER_BATCH = 10;

/**
 * ...and at most 256 KiB of bodies in one call
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
 */
export const MAX_BATCH_PAYLOAD_BYTES = 256 * 1024;

export interface OutgoingMessage {
  /** Caller's identifier, reported back when the message was not sent. */
  id: string;
  body: string;
}

export interface SendFailure {
  ids: string[];
  reason: string;
  cause?: unknown;
}

export interface SendOutcome {
  sentIds: string[];
  failedIds: string[];
  failures: SendFailure[];
}

/**
 * Sends messages in SendMessageBatch calls of at most 10 messages and 256 KiB, all calls concurrently. A message
 * counts as sent only if SQS lists it as Successful; failed entries, entries SQS did not
 * mention and every entry of a call that threw are failed.
 */
export async function sendMessageBatches(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  delaySeconds?: number,
): Promise<SendOutcome> {
  const outcomes = await Promise.all(
    sendCalls(messages).map((slice) => sendOneBatch(client, queueUrl, slice, delaySeconds)),
  );
  const failures = outcomes.flatMap((outcome) => outcome.failures);
  return {
    sentIds: outcomes.flatMap((outcome) => outcome.sentIds),
    failedIds: failures.flatMap((failure) => failure.ids),
    failures,
  };
}

/** Consecutive messages grouped into calls within both limits (a message alone over them still gets its call). */
function sendCalls(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const calls: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body, "utf8");
    if (
      current.length === MAX_MESSAGES_PER_BATCH ||
      (current.length > 0 && bytes + size > MAX_BATCH_PAYLOAD_BYTES)
    ) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

async function sendOneBatch(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  delaySeconds: number | undefined,
): Promise<Omit<SendOutcome, "failedIds">> {
  // Entry ids only need to be unique within one call; the position maps back to the message.
  const entryId = (index: number) => `m${index}`;
  try {
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: entryId(index),
          MessageBody: message.body,
          DelaySeconds: delaySeconds,
        })),
      }),
    );
    const successfulEntryIds = new Set((response.Successful ?? []).map((entry) => entry.Id));
    const reasonByEntryId = new Map(
      (response.Failed ?? []).map((entry) => [entry.Id, `${entry.Code}: ${entry.Message ?? ""}`]),
    );
    const sentIds: string[] = [];
    const failures: SendFailure[] = [];
    messages.forEach((message, index) => {
      if (successfulEntryIds.has(entryId(index))) {
        sentIds.push(message.id);
      } else {
        const reason = reasonByEntryId.get(entryId(index)) ?? "not acknowledged by SendMessageBatch";
        failures.push({ ids: [message.id], reason });
      }
    });
    return { sentIds, failures };
  } catch (error) {
    return {
      sentIds: [],
      failures: [{ ids: messages.map((message) => message.id), reason: (error as Error).name, cause: error }],
    };
  }
}
