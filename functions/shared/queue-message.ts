import type { DynamoDBRecord } from "aws-lambda";
import { groupDeltasByAccount } from "../domain/aggregate-deltas";
import { Decimal, toDecimalText } from "../domain/decimal";
import { UnprocessableRecordError } from "../domain/errors";
import { summaryDeltaOf } from "../domain/summary-delta";
import type { OrderChangeRecord, SummaryDelta } from "../domain/types";

/**
 * The deltas of one account's records, each with the identity and creation second the writer keys its
 * marks on (never anything of the message that carries them).
 */
export interface AccountDeltas {
  accountId: string;
  records: { eventId: string; createdAt: number; amount: string; orderCount: number }[];
}

/** Body of a deltas message: the records of one or more accounts, each account listed once. */
export interface DeltasMessage {
  accounts: AccountDeltas[];
}

/**
 * A deltas message holds as many accounts as fit this body size: 64 KiB is one billed SQS request
 * (https://aws.amazon.com/sqs/pricing/), and a few of them fit one SendMessageBatch. An account's records
 * are split over several messages only when they alone exceed it.
 */
export const MAX_MESSAGE_BODY_BYTES = 64 * 1024;

/**
 * The deltas packed into as few messages as fit MAX_MESSAGE_BODY_BYTES, grouped by account, each message
 * listing the eventIDs it carries. A message per account would cost a send, a receive and a delete for
 * every account of a stream batch: with many accounts, about 0.3 SQS requests per order.
 */
export function deltasMessageBodies(deltas: readonly SummaryDelta[]): { eventIds: string[]; body: string }[] {
  const messages: { eventIds: string[]; body: string }[] = [];
  const emptyBytes = asciiJson({ accounts: [] } satisfies DeltasMessage).length;
  let accounts: AccountDeltas[] = [];
  let eventIds: string[] = [];
  let bytes = emptyBytes;
  const flush = () => {
    if (eventIds.length > 0)
      messages.push({ eventIds, body: asciiJson({ accounts } satisfies DeltasMessage) });
    accounts = [];
    eventIds = [];
    bytes = emptyBytes;
  };
  for (const [accountId, group] of groupDeltasByAccount(deltas)) {
    // The account's entry without records, and the comma before it.
    const entryBytes = asciiJson({ accountId, records: [] } satisfies AccountDeltas).length + 1;
    let entry: AccountDeltas | undefined;
    for (const delta of group) {
      const record = {
        eventId: delta.eventId,
        createdAt: delta.createdAt,
        amount: toDecimalText(delta.amount),
        orderCount: delta.orderCount,
      };
      const recordBytes = asciiJson(record).length + 1;
      if (bytes + (entry ? 0 : entryBytes) + recordBytes > MAX_MESSAGE_BODY_BYTES && eventIds.length > 0) {
        flush();
        entry = undefined;
      }
      if (!entry) {
        entry = { accountId, records: [] };
        accounts.push(entry);
        bytes += entryBytes;
      }
      entry.records.push(record);
      eventIds.push(delta.eventId);
      bytes += recordBytes;
    }
  }
  flush();
  return messages;
}

/**
 * The deltas a summary-updates message carries: a deltas message's records, an account message's (one
 * account, `{ accountId, records }`, what the forwarder sent before deltas messages) or the one delta of
 * a change-record message (what the forwarder sends for a record it could not turn into a delta). Every
 * shape stays readable: a message may wait in the queue or its DLQ for 14 days across an upgrade.
 * Throws UnprocessableRecordError for anything else.
 */
export function deltasFromQueueMessage(body: string): SummaryDelta[] {
  const parsed = changeRecordFromQueueMessage(body) as OrderChangeRecord &
    Partial<AccountDeltas> &
    Partial<DeltasMessage>;
  if (parsed.accounts !== undefined) {
    if (!Array.isArray(parsed.accounts) || parsed.accounts.length === 0) {
      throw new UnprocessableRecordError(undefined, "deltas message without accounts");
    }
    return parsed.accounts.flatMap((account) => accountDeltasOf(account));
  }
  if (parsed.accountId === undefined && parsed.records === undefined) {
    return [summaryDeltaOf(parsed)];
  }
  return accountDeltasOf(parsed);
}

function accountDeltasOf(account: Partial<AccountDeltas> | null): SummaryDelta[] {
  const { accountId, records } = account ?? {};
  if (typeof accountId !== "string" || accountId === "" || !Array.isArray(records) || records.length === 0) {
    throw new UnprocessableRecordError(undefined, "account entry without accountId or records");
  }
  return records.map((record) => {
    const eventId = record?.eventId;
    if (typeof eventId !== "string" || eventId === "") {
      throw new UnprocessableRecordError(undefined, "account entry record without eventId");
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
