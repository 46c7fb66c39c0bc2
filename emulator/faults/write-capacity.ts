/** DynamoDB write operations the capacity proxy charges, by X-Amz-Target operation name. */
export const WRITE_OPERATIONS = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** Approximate stored size of one attribute value, following DynamoDB's item size rules. */
function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? [];
  switch (type) {
    case "S":
      return utf8Bytes(String(content));
    case "N":
      return numberSize(String(content));
    case "B":
      return Buffer.from(String(content), "base64").length;
    case "SS":
      return (content as string[]).reduce((sum, s) => sum + utf8Bytes(s), 0);
    case "NS":
      return (content as string[]).reduce((sum, n) => sum + numberSize(n), 0);
    case "BS":
      return (content as string[]).reduce((sum, b) => sum + Buffer.from(b, "base64").length, 0);
    case "L":
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    case "M":
      return 3 + itemSize(content as Item) + Object.keys(content as Item).length;
    default:
      return 1;
  }
}

/** A number takes about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "");
  return Math.ceil(Math.max(digits.replace(/0+$/, "").length, 1) / 2) + 1;
}

/** Item size in bytes: attribute name lengths plus value sizes. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueSize(value), 0);
}

/** Capacity units of one write: one per started KB, at least one. */
function unitsFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** A table named by name or by ARN. */
function tableNameOf(nameOrArn: unknown): string {
  const text = String(nameOrArn);
  const arn = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)/.exec(text);
  return arn ? arn[1] : text;
}

interface WriteRequest {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  ExpressionAttributeValues?: Item;
}

/**
 * Size the proxy charges for one written item. The proxy sees only the request: UpdateItem is charged
 * on its key and new values, DeleteItem on its key (AWS charges the stored item's size).
 */
function requestItemSize(request: WriteRequest): number {
  return itemSize(request.Item) + itemSize(request.Key) + itemSize(request.ExpressionAttributeValues);
}

function add(costs: Map<string, number>, table: unknown, units: number): void {
  const name = tableNameOf(table);
  costs.set(name, (costs.get(name) ?? 0) + units);
}

/**
 * Write capacity units a request consumes on each table: PutItem/UpdateItem/DeleteItem one per KB of
 * the item (at least one), BatchWriteItem the same per item, TransactWriteItems twice that per action.
 * Undefined for operations that are not writes.
 */
export function writeCapacityByTable(operation: string, body: unknown): Map<string, number> | undefined {
  if (!WRITE_OPERATIONS.has(operation)) return undefined;
  const request = (body ?? {}) as Record<string, unknown>;
  const costs = new Map<string, number>();
  if (operation === "BatchWriteItem") {
    const requestItems = (request.RequestItems ?? {}) as Record<string, Record<string, WriteRequest>[]>;
    for (const [table, writes] of Object.entries(requestItems)) {
      for (const write of writes) {
        add(costs, table, unitsFor(itemSize(write.PutRequest?.Item) + itemSize(write.DeleteRequest?.Key)));
      }
    }
  } else if (operation === "TransactWriteItems") {
    for (const action of (request.TransactItems ?? []) as Record<string, WriteRequest>[]) {
      for (const kind of ["Put", "Update", "Delete"]) {
        const write = action[kind];
        if (write) add(costs, write.TableName, 2 * unitsFor(requestItemSize(write)));
      }
    }
  } else {
    add(costs, request.TableName, unitsFor(requestItemSize(request as WriteRequest)));
  }
  return costs;
}
