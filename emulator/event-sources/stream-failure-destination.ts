import { randomUUID } from "node:crypto";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import type { InvocationResult } from "../lambda/types";

export type DiscardCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

export interface DiscardedBatch {
  records: DynamoDBRecord[];
  shardId: string;
  streamArn: string;
  functionArn: string;
  condition: DiscardCondition;
  approximateInvokeCount: number;
  lastResult?: InvocationResult;
}

/** The metadata document Lambda sends to a stream mapping's on-failure destination (records not included). */
export function streamFailureMessage(batch: DiscardedBatch, now = new Date()) {
  const first = batch.records[0]?.dynamodb;
  const last = batch.records[batch.records.length - 1]?.dynamodb;
  const functionError = batch.lastResult && !batch.lastResult.ok ? "Unhandled" : undefined;
  return {
    requestContext: {
      requestId: batch.lastResult?.requestId ?? randomUUID(),
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.approximateInvokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: "$LATEST",
      ...(functionError ? { functionError } : {}),
    },
    version: "1.0",
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.SequenceNumber,
      endSequenceNumber: last?.SequenceNumber,
      approximateArrivalOfFirstRecord: isoFromEpochSeconds(first?.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: isoFromEpochSeconds(last?.ApproximateCreationDateTime),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

export async function sendStreamFailure(
  client: SQSClient,
  queueUrl: string,
  batch: DiscardedBatch,
): Promise<void> {
  const body = JSON.stringify(streamFailureMessage(batch));
  await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

function isoFromEpochSeconds(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}
