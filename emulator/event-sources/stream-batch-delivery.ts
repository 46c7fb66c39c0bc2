import type { DynamoDBRecord } from "aws-lambda";
import type { FunctionInvoke, InvocationResult } from "../lambda/types";
import { readBatchItemFailures } from "./batch-item-failures";
import { stoppableSleep } from "./stoppable-sleep";
import type { DiscardCondition } from "./stream-failure-destination";
import type { DynamoDbStreamEventSourceStats } from "./types";

export interface BufferedStreamRecord {
  record: DynamoDBRecord;
  sequenceNumber: bigint;
  /**
   * Later of DynamoDB Local's ApproximateCreationDateTime (truncated to the minute) and the first read; the
   * record's ApproximateCreationDateTime is set to this second, as AWS would give it.
   */
  ageReferenceMs: number;
}

export interface StreamBatchDeliveryOptions {
  invoke: FunctionInvoke;
  bisectBatchOnFunctionError: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  retryDelayMs: number;
  signal: AbortSignal;
  stats: DynamoDbStreamEventSourceStats;
  discard(
    records: BufferedStreamRecord[],
    condition: DiscardCondition,
    approximateInvokeCount: number,
    lastResult?: InvocationResult,
  ): Promise<void>;
}

/**
 * Delivers one batch with stream semantics: synchronous invoke; on a function error retry the batch
 * (or, with bisect, split it in halves without using retry quota) until it succeeds, the retry quota
 * or the record age runs out (then discard), or the source stops. A ReportBatchItemFailures response
 * checkpoints before the lowest failed sequence number and retries from there.
 * Returns true when every record is either processed or discarded.
 */
export async function deliverStreamBatch(
  options: StreamBatchDeliveryOptions,
  records: BufferedStreamRecord[],
  retriesUsed = 0,
  invokesSoFar = 0,
): Promise<boolean> {
  let batch = records;
  let retries = retriesUsed;
  let invokes = invokesSoFar;
  while (!options.signal.aborted) {
    if (isTooOld(batch, options.maximumRecordAgeInSeconds)) {
      await options.discard(batch, "RecordAgeExceeded", invokes);
      return true;
    }
    const result = await options.invoke({ Records: batch.map((r) => r.record) });
    invokes++;
    options.stats.batches++;
    options.stats.recordsDelivered += batch.length;

    const failedFrom = firstFailedIndex(options, result, batch);
    if (failedFrom === undefined) {
      options.stats.recordsSucceeded += batch.length;
      return true;
    }
    options.stats.recordsSucceeded += failedFrom;
    const remainder = batch.slice(failedFrom);
    const partial = failedFrom > 0;

    if (options.bisectBatchOnFunctionError && partial) {
      batch = remainder;
      continue;
    }
    if (options.bisectBatchOnFunctionError && remainder.length > 1) {
      options.stats.bisections++;
      const middle = Math.ceil(remainder.length / 2);
      const firstHalfDone = await deliverStreamBatch(options, remainder.slice(0, middle), retries, invokes);
      return firstHalfDone && deliverStreamBatch(options, remainder.slice(middle), retries, invokes);
    }
    retries++;
    if (options.maximumRetryAttempts >= 0 && retries > options.maximumRetryAttempts) {
      await options.discard(remainder, "RetryAttemptsExhausted", invokes, result);
      return true;
    }
    options.stats.retries++;
    batch = remainder;
    await stoppableSleep(options.retryDelayMs, options.signal);
  }
  return false;
}

/** Index of the first record to retry, or undefined when the whole batch succeeded. */
function firstFailedIndex(
  options: StreamBatchDeliveryOptions,
  result: InvocationResult,
  batch: BufferedStreamRecord[],
): number | undefined {
  if (!result.ok) return 0;
  if (!options.reportBatchItemFailures) return undefined;
  const ids = new Set(batch.map((r) => r.record.dynamodb?.SequenceNumber ?? ""));
  const verdict = readBatchItemFailures(result.payload, ids);
  if (verdict.kind === "success") return undefined;
  if (verdict.kind === "whole-batch-failure") return 0;
  let lowest = BigInt(verdict.failedIds[0]);
  for (const id of verdict.failedIds) if (BigInt(id) < lowest) lowest = BigInt(id);
  return batch.findIndex((r) => r.sequenceNumber === lowest);
}

function isTooOld(batch: BufferedStreamRecord[], maximumRecordAgeInSeconds: number): boolean {
  if (maximumRecordAgeInSeconds < 0) return false;
  const oldest = Math.min(...batch.map((r) => r.ageReferenceMs));
  return Date.now() - oldest > maximumRecordAgeInSeconds * 1000;
}
