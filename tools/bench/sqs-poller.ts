import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Batching } from "./batching";

/** Lambda's SQS pollers long-poll: a receive waits up to 20 s for a message. */
export const LONG_POLL_SECONDS = 20;
/** ReceiveMessage returns at most 10 messages. */
const MAX_RECEIVE = 10;

/** Something that puts messages on the queue at a simulated time (the forwarder's invocations). */
export interface Producer {
  /** Simulated time of the next send, or undefined when nothing is left to send. */
  nextAt(): number | undefined;
  /** Runs the next send for real. */
  runNext(): Promise<void>;
}

export interface PollerOptions {
  sqs: SQSClient;
  /** Where the metered requests go (the metering proxy). */
  queueUrl: string;
  /** Messages sent and not yet received (not a request Lambda makes, so not one the poller makes either). */
  depth: () => Promise<number>;
  batching: Batching;
  visibilityTimeoutSeconds: number;
  /** Invokes the function with the messages (throws if any failed). */
  invoke: (messages: Message[], at: number) => Promise<void>;
}

/**
 * One SQS poller of an event source mapping, in simulated time, making the real requests against the queue:
 * a long-poll receive returns as soon as messages are there (up to 10); with a batching window the poller
 * keeps receiving until the batch is full or the window has passed since its first message; a receive that
 * waits its 20 s (or the rest of the window) without a message is an empty receive. Producers run in
 * simulated-time order, so the queue never holds a message before it was sent.
 */
export async function pollQueue(producer: Producer, options: PollerOptions): Promise<void> {
  let clock = 0;
  let batch: Message[] = [];
  let windowEnd = 0;
  const receive = async (max: number) => {
    const answer = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 0,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    return answer.Messages ?? [];
  };
  const flush = async () => {
    await options.invoke(batch, clock);
    for (let i = 0; i < batch.length; i += MAX_RECEIVE) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: batch.slice(i, i + MAX_RECEIVE).map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
          })),
        }),
      );
    }
    batch = [];
  };
  for (;;) {
    for (let at = producer.nextAt(); at !== undefined && at <= clock + 1e-9; at = producer.nextAt()) {
      await producer.runNext();
    }
    const waiting = await options.depth();
    if (waiting > 0) {
      const room = options.batching.batchSize - batch.length;
      const received = await receive(Math.min(MAX_RECEIVE, room));
      if (received.length === 0)
        throw new Error(`the queue returned nothing with ${waiting} messages sent and not received`);
      if (batch.length === 0) windowEnd = clock + options.batching.windowSeconds;
      batch.push(...received);
      if (batch.length >= options.batching.batchSize || clock >= windowEnd - 1e-9) await flush();
      continue;
    }
    const nextSend = producer.nextAt();
    const deadline = batch.length > 0 ? windowEnd : clock + LONG_POLL_SECONDS;
    if (nextSend !== undefined && nextSend <= deadline + 1e-9) {
      clock = Math.max(clock, nextSend);
      continue;
    }
    if (nextSend === undefined && batch.length === 0) return;
    // The long poll runs out with nothing new: one empty receive.
    await receive(1);
    clock = deadline;
    if (batch.length > 0) await flush();
  }
}
