import type { AttributeValue } from "aws-lambda";
import type { Decimal } from "./decimal";

export type ItemImage = Record<string, AttributeValue>;

export type ChangeEventName = "INSERT" | "MODIFY" | "REMOVE";

/**
 * The part of a DynamoDB stream record the projection reads. It is also the body of a
 * queue message in the queued stack. Fields are optional because records arrive as
 * untrusted JSON; the projection validates them.
 */
export interface OrderChangeRecord {
  eventID?: string;
  eventName?: ChangeEventName;
  eventSourceARN?: string;
  dynamodb?: {
    /** Epoch seconds, rounded down; the same on every delivery of the record. */
    ApproximateCreationDateTime?: number;
    Keys?: ItemImage;
    NewImage?: ItemImage;
    OldImage?: ItemImage;
    SequenceNumber?: string;
  };
}

/** How one change record moves one account's summary. */
export interface SummaryDelta {
  /** Stream record eventID, the idempotency key. */
  eventId: string;
  /** The record's creation second (ApproximateCreationDateTime): which mark bucket holds its eventID. */
  createdAt: number;
  accountId: string;
  amount: Decimal;
  /** +1 for a new order, -1 for a removed one, 0 for a changed one. */
  orderCount: number;
}

/** An account's summary: the exact total of its orders and how many there are. */
export interface AccountSummary {
  accountId: string;
  accountTotal: Decimal;
  orderCount: number;
}

/** A summary's figures, where the account is known from elsewhere (a map key, a drift report). */
export type SummaryFigures = Omit<AccountSummary, "accountId">;

/** The sum of the distinct deltas of one account. */
export interface AccountSummaryChange {
  accountId: string;
  amount: Decimal;
  orderCount: number;
  /** eventIDs of the deltas in this change, each once, in first-seen order. */
  eventIds: string[];
}
