import type { DynamoDBRecord } from "aws-lambda";
import { groupDeltasByAccount } from "../domain/aggregate-deltas";
import { Decimal, toDecimalText } from "../domain/decimal";
import { UnprocessableRecordError } from "../domain/errors";
import { summaryDeltaOf } from "../domain/summary-delta";
import type { OrderChangeRecord, SummaryDelta } from "../domain/types";

/**
 * Body of an account message: the deltas of one account's records from one stream batch, each with
 * the identity and creation second the writer keys its marks on (never anything of the message).
 */
export interface AccountMessage {
  accountId: string;
  records: { eventId: string; createdAt: number; amount: string; orderCount: number }[];
}

/**
 * An account's records are split over several messages only past this body size: 64 KiB is one
 * billed SQS request (https://aws.amazon.com/sqs/pricing/), and a few of them fit one SendMessageBatch.
 */
export const MAX_MESSAGE_BODY_BYTES = 64 * 1024;

/** One or more account messages per account, each listing the eventIDs it carries. */
export function accountMessageBodies(
  deltas: readonly SummaryDelta[],
): { eventIds: string[]; body: string }[] {
  const messages: { eventIds: string[]; body: string }[] = [];
  for (const [accountId, group] of groupDeltasByAccount(deltas)) {
    let records: AccountMessage["records"] = [];
    const flush = () => {
      if (records.length === 0) return;
      messages.push({
        eventIds: records.map((record) => record.eventId),
        body: asciiJson({ accountId, records }),
      });
      records = [];
    };
    let bytes = asciiJson({ accountId, records: [] }).length;
    for (const delta of group) {
      const record = {
        eventId: delta.eventId,
        createdAt: delta.createdAt,
        amount: toDecimalText(delta.amount),
        orderCount: delta.orderCount,
      };
      const size = asciiJson(record).length + 1;
      if (records.length > 0 && bytes + size > MAX_MESSAGE_BODY_BYTES) {
        flush();
        bytes = asciiJson({ accountId, records: [] }).length;
      }
      records.push(record);
      bytes += size;
    }
    flush();
  }
  return messages;
}

/**
 * The deltas a summary-updates message carries: an account message's records, or the one delta of a
 * change-record message (what the forwarder sends for a record it could not turn into a delta, and
 * what it sent before account messages existed). Throws UnprocessableRecordError for anything else.
 */
export function deltasFromQueueMessage(body: string): SummaryDelta[] {
  const parsed = changeRecordFromQueueMessage(body) as OrderChangeRecord & Partial<AccountMessage>;
  if (parsed.accountId === undefined && parsed.records === undefined) {
    return [summaryDeltaOf(parsed)];
  }
  const { accountId, records } = parsed;
  if (typeof accountId !== "string" || accountId === "" || !Array.isArray(records) || records.length === 0) {
    throw new UnprocessableRecordError(undefined, "account message without accountId or records");
  }
  return records.map((record) => {
    const eventId = record?.eventId;
    if (typeof eventId !== "string" || eventId === "") {
      throw new UnprocessableRecordError(undefined, "account message record without eventId");
    }
    const { createdAt, amount, orderCount } = record;
    if (typeof createdAt !== "number" || !Number.isSafeInteger(createdAt) || createdAt < 0) {
      throw new UnprocessableRecordError(eventId, "createdAt (epoch seconds) is missing");
    }
    if (typeof orderCount !== "number" || ![-1, 0, 1].includes(orderCount)) {
      throw new UnprocessableRecordError(eventId, "orderCount must be -1, 0 or 1");
    }
    if (typeof amount !== "string") {
      throw new UnprocessableRecordError(eventId, "amount must be decimal text");
    }
    try {
      return { eventId, createdAt, accountId, amount: Decimal(amount), orderCount };
    } catch (error) {
      throw new UnprocessableRecordError(eventId, "amount is not a decimal", { cause: error });
    }
  });
}

/** Body of a summary-updates message: the subset of the stream record the projection needs. */
export function toQueueMessageBody(record: DynamoDBRecord): string {
  const message: OrderChangeRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventSourceARN: record.eventSourceARN,
    dynamodb: {
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime,
      Keys: record.dynamodb?.Keys,
      NewImage: record.dynamodb?.NewImage,
      OldImage: record.dynamodb?.OldImage,
      SequenceNumber: record.dynamodb?.SequenceNumber,
    },
  };
  return asciiJson(message);
}

/**
 * JSON text in printable ASCII only: JSON.stringify, then every other UTF-16 unit written as \uXXXX.
 * Outside strings JSON.stringify emits only printable ASCII, so the escapes land inside strings, where
 * JSON.parse turns them back into the same units (lone surrogates included). SQS accepts only
 * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a body
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html), while a
 * DynamoDB string may hold U+FFFE, U+FFFF or control characters: an ASCII body is valid for every item.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The change record in a summary-updates message body; throws UnprocessableRecordError if it is not one. */
export function changeRecordFromQueueMessage(body: string): OrderChangeRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new UnprocessableRecordError(undefined, "message body is not JSON", { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UnprocessableRecordError(undefined, "message body is not a JSON object");
  }
  return parsed as OrderChangeRecord;
}
