import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { DETAILS_HASH_KEY, DETAILS_RANGE_KEY } from "../../functions/domain/fields";
import type { OrderKey } from "../load/orders";

export interface StreamRecordKey extends OrderKey {
  sequenceNumber: string;
  eventName: string;
}

/** Every record still in the stream (24 h retention), read from the start of every shard. */
export async function readStreamRecords(
  streams: DynamoDBStreamsClient,
  streamArn: string,
): Promise<_Record[]> {
  const records: _Record[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(page.Records ?? []));
        const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
        if (open && (page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return records;
}

/** The keys of every record still in the stream. */
export async function readWholeStream(
  streams: DynamoDBStreamsClient,
  streamArn: string,
): Promise<StreamRecordKey[]> {
  return (await readStreamRecords(streams, streamArn)).map((record) => ({
    [DETAILS_HASH_KEY]: record.dynamodb?.Keys?.[DETAILS_HASH_KEY]?.S ?? "",
    [DETAILS_RANGE_KEY]: record.dynamodb?.Keys?.[DETAILS_RANGE_KEY]?.S ?? "",
    sequenceNumber: record.dynamodb?.SequenceNumber ?? "",
    eventName: record.eventName ?? "",
  }));
}

/** True when `sequence` lies within [start, end] (stream sequence numbers are decimal integers). */
export function inSequenceRange(sequence: string, start: string, end: string): boolean {
  const value = BigInt(sequence);
  return BigInt(start) <= value && value <= BigInt(end);
}
