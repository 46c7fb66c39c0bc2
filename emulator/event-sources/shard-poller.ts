import {
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import { toLambdaDynamoDbRecord } from "./dynamodb-stream-record";
import { matchesAnyPattern } from "./filter-pattern";
import { stoppableSleep } from "./stoppable-sleep";
import {
  type BufferedStreamRecord,
  deliverStreamBatch,
  type StreamBatchDeliveryOptions,
} from "./stream-batch-delivery";
import type { DynamoDbStreamEventSourceConfig } from "./types";

export interface ShardPollerOptions {
  config: DynamoDbStreamEventSourceConfig;
  shardId: string;
  iteratorType: "LATEST" | "TRIM_HORIZON";
  delivery: Omit<StreamBatchDeliveryOptions, "signal" | "discard"> & {
    discard(shardId: string, ...rest: Parameters<StreamBatchDeliveryOptions["discard"]>): Promise<void>;
  };
  signal: AbortSignal;
}

/** Reads one shard in order and delivers its records batch by batch; ends when the shard is closed and read. */
export class ShardPoller {
  readonly shardId: string;
  private readonly buffer: BufferedStreamRecord[] = [];
  private iterator: string | undefined;
  private lastReadSequence: string | undefined;
  private shardClosed = false;
  private delivering = false;
  /** Start time of the latest GetRecords that found nothing new while nothing was pending. */
  lastQuietReadStartedAt = 0;
  readonly finished: Promise<void>;
  /** Settles once the first shard iterator is held (LATEST then means "after this moment"). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  constructor(private readonly options: ShardPollerOptions) {
    this.shardId = options.shardId;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.finished = this.run()
      .catch((error: Error) => options.config.log?.(`Poller for ${this.shardId} stopped: ${error.message}`))
      .finally(() => this.markReady());
  }

  get isQuiet(): boolean {
    return this.buffer.length === 0 && !this.delivering;
  }

  private get streams(): DynamoDBStreamsClient {
    return this.options.config.streamsClient;
  }

  private async run(): Promise<void> {
    const { config, signal } = this.options;
    const pollIntervalMs = config.pollIntervalMs ?? 250;
    const windowMs = config.maximumBatchingWindowInSeconds * 1000;
    this.iterator = await this.shardIterator({ ShardIteratorType: this.options.iteratorType });
    this.markReady();
    while (!signal.aborted) {
      const readStartedAt = Date.now();
      const fetched = this.buffer.length < config.batchSize && !this.shardClosed ? await this.read() : 0;
      if (this.buffer.length === 0) {
        if (fetched === 0) this.lastQuietReadStartedAt = readStartedAt;
        if (this.shardClosed) return;
        await stoppableSleep(pollIntervalMs, signal);
        continue;
      }
      const waitedMs = Date.now() - this.buffer[0].ageReferenceMs;
      const full = this.buffer.length >= config.batchSize;
      if (!full && !this.shardClosed && waitedMs < windowMs) {
        await stoppableSleep(Math.min(pollIntervalMs, windowMs - waitedMs), signal);
        continue;
      }
      await this.deliverNextBatch();
    }
  }

  private async deliverNextBatch(): Promise<void> {
    const { config, delivery, signal } = this.options;
    const batch = this.buffer.slice(0, config.batchSize);
    this.delivering = true;
    try {
      const done = await deliverStreamBatch(
        {
          ...delivery,
          signal,
          discard: (records, condition, invokes, lastResult) =>
            delivery.discard(this.shardId, records, condition, invokes, lastResult),
        },
        batch,
      );
      if (done) this.buffer.splice(0, batch.length);
    } finally {
      this.delivering = false;
    }
  }

  /** One GetRecords call; returns how many records it read (filtered-out ones included). */
  private async read(): Promise<number> {
    const { config } = this.options;
    if (!this.iterator) {
      this.shardClosed = true;
      return 0;
    }
    try {
      const response = await this.streams.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: 1000 }),
      );
      this.iterator = response.NextShardIterator;
      if (!this.iterator) this.shardClosed = true;
      const readAt = Date.now();
      for (const sdkRecord of response.Records ?? []) {
        this.lastReadSequence = sdkRecord.dynamodb?.SequenceNumber;
        const record = toLambdaDynamoDbRecord(sdkRecord, config.streamArn, config.region);
        if (!matchesAnyPattern(config.filterCriteria, record)) {
          this.options.delivery.stats.recordsFilteredOut++;
          continue;
        }
        const createdMs = (record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000;
        const ageReferenceMs = Math.max(createdMs, readAt);
        if (record.dynamodb) {
          // DynamoDB Local truncates the creation time to the minute; AWS gives the second. The time of the
          // first read, kept in the buffered record, is what every redelivery of this record repeats.
          record.dynamodb.ApproximateCreationDateTime = Math.floor(ageReferenceMs / 1000);
        }
        this.buffer.push({
          record,
          sequenceNumber: BigInt(record.dynamodb?.SequenceNumber ?? "0"),
          ageReferenceMs,
        });
      }
      return (response.Records ?? []).length;
    } catch (error) {
      await this.recoverFromReadError(error);
      return 0;
    }
  }

  private async recoverFromReadError(error: unknown): Promise<void> {
    if (error instanceof ExpiredIteratorException) {
      this.iterator = await this.shardIterator(
        this.lastReadSequence
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: this.lastReadSequence }
          : { ShardIteratorType: this.options.iteratorType },
      );
      return;
    }
    if (error instanceof TrimmedDataAccessException) {
      this.iterator = await this.shardIterator({ ShardIteratorType: "TRIM_HORIZON" });
      return;
    }
    this.options.config.log?.(`GetRecords on ${this.shardId} failed: ${(error as Error).message}`);
    await stoppableSleep(1000, this.options.signal);
  }

  private async shardIterator(
    position: Pick<GetShardIteratorCommandInput, "ShardIteratorType" | "SequenceNumber">,
  ): Promise<string | undefined> {
    const response = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.config.streamArn,
        ShardId: this.shardId,
        ...position,
      }),
    );
    return response.ShardIterator;
  }
}
