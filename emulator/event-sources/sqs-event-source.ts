import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { queueDepth } from "../queue-depth";
import { readBatchItemFailures } from "./batch-item-failures";
import { matchesAnyPattern } from "./filter-pattern";
import { sqsRecordForFiltering, toLambdaSqsRecord } from "./sqs-record";
import { stoppableSleep } from "./stoppable-sleep";
import type { SqsEventSourceConfig, SqsEventSourceStats } from "./types";

const defaultMaximumConcurrency = 5;

/**
 * An SQS event source mapping: maximumConcurrency pollers, each long-polls, gathers a batch within
 * the batching window, invokes synchronously and deletes what succeeded. Failed messages stay in the
 * queue and reappear after the visibility timeout; the queue's redrive policy moves them to its DLQ.
 */
export class SqsEventSource {
  private readonly config: SqsEventSourceConfig;
  private readonly abort = new AbortController();
  private pollers: Promise<void>[] = [];
  private readonly lastEmptyReceiveStartedAt: number[] = [];
  private readonly counters: SqsEventSourceStats = {
    messagesReceived: 0,
    messagesDeleted: 0,
    messagesFailed: 0,
    messagesFilteredOut: 0,
    messagesNotDeleted: 0,
    batches: 0,
    inFlight: 0,
    maxInFlight: 0,
  };

  constructor(config: SqsEventSourceConfig) {
    this.config = { log: (message) => console.warn(`[sqs ${config.queueArn}] ${message}`), ...config };
  }

  async start(): Promise<void> {
    if (this.pollers.length > 0) return;
    const count = this.config.maximumConcurrency ?? defaultMaximumConcurrency;
    this.pollers = Array.from({ length: count }, (_, index) => {
      this.lastEmptyReceiveStartedAt[index] = 0;
      return this.poll(index);
    });
  }

  /** Stops receiving; invocations in flight finish and their successes are deleted. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.pollers);
  }

  get stats(): SqsEventSourceStats {
    return { ...this.counters };
  }

  /** Resolves when every poller found the queue empty after this call and nothing is in flight. */
  async idle(timeoutMs = 30_000): Promise<void> {
    const calledAt = Date.now();
    await this.waitUntil(
      async () => this.counters.inFlight === 0 && this.lastEmptyReceiveStartedAt.every((t) => t >= calledAt),
      timeoutMs,
    );
  }

  /** Resolves when the queue holds no messages at all (visible, in flight or delayed) and nothing is in flight. */
  async drained(timeoutMs = 30_000): Promise<void> {
    await this.waitUntil(async () => {
      if (this.counters.inFlight > 0) return false;
      return (await queueDepth(this.config.sqsClient, this.config.queueUrl)) === 0;
    }, timeoutMs);
  }

  private async waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`SQS event source not quiet after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async poll(index: number): Promise<void> {
    while (!this.abort.signal.aborted) {
      const startedAt = Date.now();
      try {
        const messages = await this.gatherBatch();
        if (messages.length === 0) {
          this.lastEmptyReceiveStartedAt[index] = startedAt;
          continue;
        }
        await this.process(messages);
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.config.log?.(`polling failed: ${(error as Error).message}`);
        await stoppableSleep(1000, this.abort.signal);
      }
    }
  }

  /** Long-polls for a first message, then keeps receiving until the batch is full or the window closes. */
  private async gatherBatch(): Promise<Message[]> {
    const { batchSize } = this.config;
    const messages = await this.receive(Math.min(10, batchSize), this.config.longPollSeconds ?? 2);
    const windowEnd = Date.now() + this.config.maximumBatchingWindowInSeconds * 1000;
    while (messages.length > 0 && messages.length < batchSize && !this.abort.signal.aborted) {
      const remainingMs = windowEnd - Date.now();
      if (remainingMs <= 0) break;
      const waitSeconds = Math.min(20, Math.floor(remainingMs / 1000));
      const more = await this.receive(Math.min(10, batchSize - messages.length), waitSeconds);
      if (more.length === 0 && waitSeconds === 0)
        await stoppableSleep(Math.min(100, remainingMs), this.abort.signal);
      messages.push(...more);
    }
    const batch = latestReceiptPerMessage(messages);
    this.counters.messagesReceived += batch.length;
    return batch;
  }

  private async receive(maxNumberOfMessages: number, waitTimeSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.config.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: this.config.queueUrl,
        MaxNumberOfMessages: maxNumberOfMessages,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages;
  }

  private async process(messages: Message[]): Promise<void> {
    const { queueArn, region, filterCriteria } = this.config;
    const records = messages.map((message) => toLambdaSqsRecord(message, queueArn, region));
    const wanted = records.filter((r) => matchesAnyPattern(filterCriteria, sqsRecordForFiltering(r)));
    const unwanted = records.filter((r) => !wanted.includes(r));
    this.counters.messagesFilteredOut += unwanted.length;
    await this.delete(unwanted);
    if (wanted.length === 0) return;

    this.counters.batches++;
    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    let succeeded: SQSRecord[];
    try {
      succeeded = await this.invoke(wanted);
    } finally {
      this.counters.inFlight--;
    }
    this.counters.messagesFailed += wanted.length - succeeded.length;
    const deleted = this.config.deleteSucceeded ? this.config.deleteSucceeded(succeeded) : succeeded;
    this.counters.messagesNotDeleted += succeeded.length - deleted.length;
    await this.delete(deleted);
  }

  /** Invokes the function; returns the records to delete. */
  private async invoke(records: SQSRecord[]): Promise<SQSRecord[]> {
    const result = await this.config.functionInvoke({ Records: records });
    if (!result.ok) return [];
    if (!this.config.reportBatchItemFailures) return records;
    const verdict = readBatchItemFailures(result.payload, new Set(records.map((r) => r.messageId)));
    if (verdict.kind === "success") return records;
    if (verdict.kind === "whole-batch-failure") return [];
    return records.filter((r) => !verdict.failedIds.includes(r.messageId));
  }

  private async delete(records: SQSRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += 10) {
      const chunk = records.slice(start, start + 10);
      const response = await this.config.sqsClient.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.config.queueUrl,
          Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      this.counters.messagesDeleted += response.Successful?.length ?? 0;
      for (const failure of response.Failed ?? []) {
        this.config.log?.(`DeleteMessageBatch entry failed: ${failure.Code} ${failure.Message}`);
      }
    }
  }
}

/** A message whose visibility timeout ran out while the batch was gathering comes back: keep its newest receipt. */
function latestReceiptPerMessage(messages: Message[]): Message[] {
  const byId = new Map<string | undefined, Message>();
  for (const message of messages) {
    byId.delete(message.MessageId);
    byId.set(message.MessageId, message);
  }
  return [...byId.values()];
}
