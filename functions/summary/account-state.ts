import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * What the writer knows of an account's summary item: the marks of applied records still kept in it
 * (bucket `m<second>` per creation second), the watermark at or below which marks live in the ledger,
 * and the item's write counter. Any state read from the item, however old, holds only marks of
 * applied records: marks leave the item only into the ledger.
 */
export interface AccountState {
  /** `spilled_through` (0 when absent): marks of records created at or before it are in the ledger. */
  spilledThrough: number;
  /** `v` (0 when absent): incremented by every write. */
  version: number;
  /** Creation second -> eventIDs of applied records created in that second. */
  buckets: ReadonlyMap<number, ReadonlySet<string>>;
  /** DynamoDB size of every attribute except the buckets. */
  baseBytes: number;
}

export const BUCKET_PREFIX = "m";

export const bucketName = (second: number): string => `${BUCKET_PREFIX}${second}`;

const bucketPattern = /^m(\d+)$/;

/** An item never read: what a first write costs is estimated with full-width numbers. */
export function emptyState(accountId: string): AccountState {
  const fullNumber = 21;
  const baseBytes =
    utf8Bytes("accountid") +
    utf8Bytes(accountId) +
    ["account_total", "order_count", "v", "spilled_through"].reduce(
      (sum, name) => sum + utf8Bytes(name) + fullNumber,
      0,
    );
  return { spilledThrough: 0, version: 0, buckets: new Map(), baseBytes };
}

/** The state a summary item (as returned by ReturnValues or a failed condition) describes. */
export function stateOfItem(
  accountId: string,
  item: Record<string, AttributeValue> | undefined,
): AccountState {
  if (!item) {
    return emptyState(accountId);
  }
  const buckets = new Map<number, ReadonlySet<string>>();
  let baseBytes = 0;
  for (const [name, value] of Object.entries(item)) {
    const bucket = bucketPattern.exec(name);
    if (bucket && value.SS) {
      buckets.set(Number(bucket[1]), new Set(value.SS));
    } else {
      baseBytes += utf8Bytes(name) + attributeValueBytes(value);
    }
  }
  return {
    spilledThrough: Number(item.spilled_through?.N ?? "0"),
    version: Number(item.v?.N ?? "0"),
    buckets,
    baseBytes,
  };
}

/** DynamoDB size of one bucket attribute: its name plus its strings. */
export function bucketBytes(second: number, eventIds: Iterable<string>): number {
  let bytes = utf8Bytes(bucketName(second));
  for (const eventId of eventIds) {
    bytes += utf8Bytes(eventId);
  }
  return bytes;
}

export function stateBytes(state: AccountState): number {
  let bytes = state.baseBytes;
  for (const [second, eventIds] of state.buckets) {
    bytes += bucketBytes(second, eventIds);
  }
  return bytes;
}

export function isMarked(state: AccountState, eventId: string): boolean {
  for (const eventIds of state.buckets.values()) {
    if (eventIds.has(eventId)) return true;
  }
  return false;
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/**
 * Size by DynamoDB's rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * strings in UTF-8 bytes, a number about one byte per two significant digits plus one.
 */
function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8Bytes(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberBytes(text), 0);
  return utf8Bytes(JSON.stringify(value));
}

function numberBytes(text: string): number {
  const digits = text
    .replace(/^-/, "")
    .replace(/e.*$/i, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
