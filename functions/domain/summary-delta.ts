import { type Decimal, ZERO } from "./decimal";
import { InvalidOrderError, UnprocessableRecordError } from "./errors";
import { orderAmount } from "./order-amount";
import type { ItemImage, OrderChangeRecord, SummaryDelta } from "./types";

/**
 * The change one stream record makes to its account's summary:
 * INSERT adds the new order, MODIFY adds new − old, REMOVE subtracts the old order.
 * Throws UnprocessableRecordError when the record lacks what this needs.
 */
export function summaryDeltaOf(record: OrderChangeRecord): SummaryDelta {
  const eventId = record?.eventID;
  if (typeof eventId !== "string" || eventId === "") {
    throw new UnprocessableRecordError(undefined, "eventID is missing");
  }
  const createdAt = record.dynamodb?.ApproximateCreationDateTime;
  if (typeof createdAt !== "number" || !Number.isSafeInteger(createdAt) || createdAt < 0) {
    throw new UnprocessableRecordError(eventId, "ApproximateCreationDateTime (epoch seconds) is missing");
  }
  const accountId = record.dynamodb?.Keys?.accountid?.S;
  if (typeof accountId !== "string" || accountId === "") {
    throw new UnprocessableRecordError(eventId, "Keys.accountid (S) is missing");
  }
  const newImage = record.dynamodb?.NewImage;
  const oldImage = record.dynamodb?.OldImage;

  switch (record.eventName) {
    case "INSERT":
      return {
        eventId,
        createdAt,
        accountId,
        amount: amountOf(eventId, "NewImage", newImage),
        orderCount: 1,
      };
    case "MODIFY":
      return {
        eventId,
        createdAt,
        accountId,
        amount: amountOf(eventId, "NewImage", newImage).minus(amountOf(eventId, "OldImage", oldImage)),
        orderCount: 0,
      };
    case "REMOVE":
      return {
        eventId,
        createdAt,
        accountId,
        amount: ZERO.minus(amountOf(eventId, "OldImage", oldImage)),
        orderCount: -1,
      };
    default:
      throw new UnprocessableRecordError(eventId, `unknown eventName ${JSON.stringify(record.eventName)}`);
  }
}

function amountOf(eventId: string, imageName: string, image: ItemImage | undefined): Decimal {
  if (!image) {
    throw new UnprocessableRecordError(eventId, `${imageName} is missing`);
  }
  try {
    return orderAmount(numberText(image, "unitprice"), numberText(image, "quantity"));
  } catch (error) {
    if (error instanceof InvalidOrderError) {
      throw new UnprocessableRecordError(eventId, `${imageName}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function numberText(image: ItemImage, attribute: string): string {
  const text = image[attribute]?.N;
  if (typeof text !== "string") {
    throw new InvalidOrderError(attribute, image[attribute], "must be a DynamoDB number (N)");
  }
  return text;
}
