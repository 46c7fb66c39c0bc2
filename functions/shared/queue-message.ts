import type { DynamoDBRecord } from "aws-lambda";
import { UnprocessableRecordError } from "../domain/errors";
import type { OrderChangeRecord } from "../domain/types";

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
