import type { DynamoDBRecord } from "aws-lambda";

export interface OrderLine {
  accountid: string;
  vendorid: string;
  unitprice: string;
  quantity: string;
}

let sequence = 0;

/** Creation second of a record when the test does not care: 2025-10-09T08:53:20Z. */
export const DEFAULT_CREATED_AT = 1_760_000_000;

/** A fresh zero-padded 21-digit sequence number, like DynamoDB Local emits. */
export function nextSequenceNumber(): string {
  sequence += 1;
  return String(sequence).padStart(21, "0");
}

function image(order: OrderLine) {
  return {
    accountid: { S: order.accountid },
    vendorid: { S: order.vendorid },
    unitprice: { N: order.unitprice },
    quantity: { N: order.quantity },
  };
}

function record(
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  eventID: string,
  keysOf: OrderLine,
  newOrder?: OrderLine,
  oldOrder?: OrderLine,
  createdAt = DEFAULT_CREATED_AT,
): DynamoDBRecord {
  return {
    eventID,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "ddblocal",
    eventSourceARN: "arn:aws:dynamodb:ddblocal:000000000000:table/details/stream/2024-01-01T00:00:00.000",
    dynamodb: {
      ApproximateCreationDateTime: createdAt,
      Keys: { accountid: { S: keysOf.accountid }, vendorid: { S: keysOf.vendorid } },
      ...(newOrder ? { NewImage: image(newOrder) } : {}),
      ...(oldOrder ? { OldImage: image(oldOrder) } : {}),
      SequenceNumber: nextSequenceNumber(),
      SizeBytes: 100,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

export const insertRecord = (eventID: string, order: OrderLine, createdAt?: number) =>
  record("INSERT", eventID, order, order, undefined, createdAt);

export const modifyRecord = (eventID: string, oldOrder: OrderLine, newOrder: OrderLine, createdAt?: number) =>
  record("MODIFY", eventID, newOrder, newOrder, oldOrder, createdAt);

export const removeRecord = (eventID: string, order: OrderLine, createdAt?: number) =>
  record("REMOVE", eventID, order, undefined, order, createdAt);

export const sequenceNumberOf = (streamRecord: DynamoDBRecord): string =>
  streamRecord.dynamodb?.SequenceNumber ?? "";
