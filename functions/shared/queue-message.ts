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
      Keys: record.dynamodb?.Keys,
      NewImage: record.dynamodb?.NewImage,
      OldImage: record.dynamodb?.OldImage,
      SequenceNumber: record.dynamodb?.SequenceNumber,
    },
  };
  return escapeCharactersSqsRejects(JSON.stringify(message));
}

/**
 * SQS refuses bodies containing U+FFFE or U+FFFF, which a string attribute may hold. Outside
 * JSON syntax they cannot occur, so writing them as JSON \uXXXX escapes keeps the JSON value identical.
 */
function escapeCharactersSqsRejects(json: string): string {
  return json.replace(/[\uFFFE\uFFFF]/g, (character) => `\\u${character.charCodeAt(0).toString(16)}`);
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
