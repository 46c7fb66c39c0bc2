import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import type { FunctionInvoke } from "../lambda/types";

/** An EventBridge-style pattern, as an object or as its JSON text. */
export type FilterPattern = Record<string, unknown> | string;

export type StartingPosition = "LATEST" | "TRIM_HORIZON";

export interface DynamoDbStreamEventSourceConfig {
  streamArn: string;
  functionArn: string;
  functionInvoke: FunctionInvoke;
  region: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  startingPosition: StartingPosition;
  bisectBatchOnFunctionError: boolean;
  /** -1 = infinite. */
  maximumRetryAttempts: number;
  /** -1 = infinite. */
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  onFailure?: { queueUrl: string };
  /** Records matching none of the patterns are skipped (checkpointed past). */
  filterCriteria?: FilterPattern[];
  streamsClient: DynamoDBStreamsClient;
  /** Needed when onFailure is set. */
  sqsClient?: SQSClient;
  /** Per-shard GetRecords rate; Lambda polls 4 times a second. Default 250. */
  pollIntervalMs?: number;
  /** How often DescribeStream looks for new shards. Default 1000. */
  shardDiscoveryIntervalMs?: number;
  /** Pause between retries of a failed batch. Default 100. */
  retryDelayMs?: number;
  log?: (message: string) => void;
}

export interface DynamoDbStreamEventSourceStats {
  shards: number;
  /** Records handed to the function, counting every retry. */
  recordsDelivered: number;
  recordsSucceeded: number;
  recordsFilteredOut: number;
  /** Records given up on (sent to the on-failure destination, or dropped without one). */
  recordsDiscarded: number;
  batches: number;
  retries: number;
  bisections: number;
  failuresSent: number;
}

export interface SqsEventSourceConfig {
  queueUrl: string;
  queueArn: string;
  functionInvoke: FunctionInvoke;
  region: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  /** At most this many invocations in flight (one poller each). Default 5. */
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
  /** Messages matching none of the patterns are deleted without invoking. */
  filterCriteria?: FilterPattern[];
  sqsClient: SQSClient;
  /** ReceiveMessage WaitTimeSeconds while the queue is empty. Default 2. */
  longPollSeconds?: number;
  /**
   * Picks which messages of a successful invocation are deleted; the others stay in flight and
   * reappear after the visibility timeout (fault injection: a lost delete). Default: all of them.
   */
  deleteSucceeded?: (succeeded: SQSRecord[]) => SQSRecord[];
  log?: (message: string) => void;
}

export interface SqsEventSourceStats {
  messagesReceived: number;
  messagesDeleted: number;
  /** Messages of failed invocations or reported item failures, left to reappear after the visibility timeout. */
  messagesFailed: number;
  messagesFilteredOut: number;
  /** Messages that succeeded but were left in the queue by deleteSucceeded. */
  messagesNotDeleted: number;
  batches: number;
  inFlight: number;
  maxInFlight: number;
}
