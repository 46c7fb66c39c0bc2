import { DescribeStreamCommand, type Shard } from "@aws-sdk/client-dynamodb-streams";
import type { InvocationResult } from "../lambda/types";
import { ShardPoller } from "./shard-poller";
import { stoppableSleep } from "./stoppable-sleep";
import type { BufferedStreamRecord } from "./stream-batch-delivery";
import { type DiscardCondition, sendStreamFailure } from "./stream-failure-destination";
import type { DynamoDbStreamEventSourceConfig, DynamoDbStreamEventSourceStats } from "./types";

/**
 * A DynamoDB stream event source mapping: one poller per shard, children only after their parent
 * is fully processed, new shards discovered over time.
 */
export class DynamoDbStreamEventSource {
  private readonly config: DynamoDbStreamEventSourceConfig;
  private readonly abort = new AbortController();
  private readonly parents = new Map<string, string | undefined>();
  private readonly pollers = new Map<string, ShardPoller>();
  private readonly finishedShards = new Set<string>();
  private readonly counters: DynamoDbStreamEventSourceStats = {
    shards: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    recordsFilteredOut: 0,
    recordsDiscarded: 0,
    batches: 0,
    retries: 0,
    bisections: 0,
    failuresSent: 0,
  };
  private lastDiscoveryStartedAt = 0;
  private discoveryLoop?: Promise<void>;

  constructor(config: DynamoDbStreamEventSourceConfig) {
    if (config.onFailure && !config.sqsClient) throw new Error("onFailure needs an sqsClient");
    this.config = { log: (message) => console.warn(`[stream ${config.streamArn}] ${message}`), ...config };
  }

  /** Resolves once every initial shard holds an iterator, so later writes are seen even with LATEST. */
  async start(): Promise<void> {
    if (this.discoveryLoop) return;
    await this.discoverShards(true);
    await Promise.all([...this.pollers.values()].map((poller) => poller.ready));
    this.discoveryLoop = this.keepDiscovering();
  }

  /** Stops polling; an invocation in progress finishes first, its batch is not retried. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.discoveryLoop;
    await Promise.all([...this.pollers.values()].map((poller) => poller.finished));
  }

  get stats(): DynamoDbStreamEventSourceStats {
    return { ...this.counters, shards: this.parents.size };
  }

  /**
   * Resolves when everything written before the call has been processed or discarded: every shard
   * read the stream again and found nothing new, and nothing is buffered or being delivered.
   */
  async idle(timeoutMs = 30_000): Promise<void> {
    const calledAt = Date.now();
    const deadline = calledAt + timeoutMs;
    while (!this.isIdleSince(calledAt)) {
      if (Date.now() > deadline) throw new Error(`stream event source not idle after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private isIdleSince(time: number): boolean {
    if (this.lastDiscoveryStartedAt < time) return false;
    for (const [shardId, poller] of this.pollers) {
      if (this.finishedShards.has(shardId)) continue;
      if (!poller.isQuiet || poller.lastQuietReadStartedAt < time) return false;
    }
    return [...this.parents.keys()].every((shardId) => this.pollers.has(shardId) || !this.canStart(shardId));
  }

  private async keepDiscovering(): Promise<void> {
    const interval = this.config.shardDiscoveryIntervalMs ?? 1000;
    while (!this.abort.signal.aborted) {
      await stoppableSleep(interval, this.abort.signal);
      if (this.abort.signal.aborted) return;
      try {
        await this.discoverShards(false);
      } catch (error) {
        this.config.log?.(`DescribeStream failed: ${(error as Error).message}`);
      }
    }
  }

  private async discoverShards(initial: boolean): Promise<void> {
    this.lastDiscoveryStartedAt = Date.now();
    for (const shard of await this.describeShards()) {
      if (!shard.ShardId || this.parents.has(shard.ShardId)) continue;
      this.parents.set(shard.ShardId, shard.ParentShardId);
      // Starting at LATEST skips shards that are already closed: they can hold nothing newer.
      if (
        initial &&
        this.config.startingPosition === "LATEST" &&
        shard.SequenceNumberRange?.EndingSequenceNumber
      ) {
        this.finishedShards.add(shard.ShardId);
      }
    }
    this.startReadyShards(initial);
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.config.streamsClient.send(
        new DescribeStreamCommand({
          StreamArn: this.config.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  private canStart(shardId: string): boolean {
    if (this.finishedShards.has(shardId)) return false;
    const parent = this.parents.get(shardId);
    return parent === undefined || !this.parents.has(parent) || this.finishedShards.has(parent);
  }

  private startReadyShards(initial: boolean): void {
    if (this.abort.signal.aborted) return;
    for (const shardId of this.parents.keys()) {
      if (this.pollers.has(shardId) || !this.canStart(shardId)) continue;
      const poller = new ShardPoller({
        config: this.config,
        shardId,
        iteratorType: initial ? this.config.startingPosition : "TRIM_HORIZON",
        signal: this.abort.signal,
        delivery: {
          invoke: this.config.functionInvoke,
          bisectBatchOnFunctionError: this.config.bisectBatchOnFunctionError,
          maximumRetryAttempts: this.config.maximumRetryAttempts,
          maximumRecordAgeInSeconds: this.config.maximumRecordAgeInSeconds,
          reportBatchItemFailures: this.config.reportBatchItemFailures,
          retryDelayMs: this.config.retryDelayMs ?? 100,
          stats: this.counters,
          discard: (id, records, condition, invokes, lastResult) =>
            this.discard(id, records, condition, invokes, lastResult),
        },
      });
      this.pollers.set(shardId, poller);
      void poller.finished.then(() => {
        if (this.abort.signal.aborted) return;
        this.finishedShards.add(shardId);
        this.startReadyShards(false);
      });
    }
  }

  private async discard(
    shardId: string,
    records: BufferedStreamRecord[],
    condition: DiscardCondition,
    approximateInvokeCount: number,
    lastResult?: InvocationResult,
  ): Promise<void> {
    this.counters.recordsDiscarded += records.length;
    const { onFailure, sqsClient } = this.config;
    if (!onFailure || !sqsClient) return;
    const batch = {
      records: records.map((r) => r.record),
      shardId,
      streamArn: this.config.streamArn,
      functionArn: this.config.functionArn,
      condition,
      approximateInvokeCount,
      lastResult,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await sendStreamFailure(sqsClient, onFailure.queueUrl, batch);
        this.counters.failuresSent++;
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.config.log?.(`on-failure destination unreachable, batch dropped: ${(error as Error).message}`);
          return;
        }
        await stoppableSleep(200 * attempt, this.abort.signal);
      }
    }
  }
}
