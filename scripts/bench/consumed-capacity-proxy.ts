/**
 * A bench-only HTTP proxy in front of DynamoDB Local, run as its own process so that its CPU does not
 * count as the handlers'. It asks DynamoDB for ReturnConsumedCapacity=TOTAL on every data-plane call
 * the handlers make and adds up, per table, the requests and the capacity DynamoDB Local says they
 * consumed, next to what AWS's rules charge for the same request (local/faults/write-capacity.ts:
 * DynamoDB Local reports a flat 4 WCU per table for any TransactWriteItems).
 *
 *   tsx scripts/bench/consumed-capacity-proxy.ts <dynamodb endpoint>   prints "listening <port>"
 *   GET /__counters   the counts so far;   POST /__reset   zero them
 */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { writeCapacityByTable } from "../../local/faults/write-capacity";

export interface TableUsage {
  /** Requests answered 200, by operation. */
  requests: Record<string, number>;
  /** Write capacity DynamoDB Local reported (ReturnConsumedCapacity). */
  writeUnits: number;
  readUnits: number;
  /** Write capacity AWS charges for the same requests: 1 per KB, 2 per KB per transactional item. */
  awsRuleWriteUnits: number;
}

export type UsageByTable = Record<string, TableUsage>;

const MEASURED = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "TransactWriteItems",
  "BatchWriteItem",
  "Query",
]);

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  WriteCapacityUnits?: number;
  ReadCapacityUnits?: number;
}

function tablesOf(operation: string, body: Record<string, unknown>): string[] {
  if (operation === "TransactWriteItems") {
    const items = (body.TransactItems ?? []) as Record<string, { TableName?: string }>[];
    return [
      ...new Set(items.flatMap((item) => Object.values(item).map((action) => String(action.TableName)))),
    ];
  }
  if (operation === "BatchWriteItem") return Object.keys((body.RequestItems ?? {}) as object);
  return [String(body.TableName)];
}

function main(): void {
  const target = new URL(process.argv[2] ?? "");
  let usage: UsageByTable = {};
  const tableUsage = (table: string) => {
    usage[table] ??= { requests: {}, writeUnits: 0, readUnits: 0, awsRuleWriteUnits: 0 };
    return usage[table];
  };
  const server = createServer((req, res) => {
    if (req.url === "/__counters") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(usage));
      return;
    }
    if (req.url === "/__reset") {
      usage = {};
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
      let body = Buffer.concat(chunks);
      let parsed: Record<string, unknown> | undefined;
      if (MEASURED.has(operation)) {
        parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
        parsed.ReturnConsumedCapacity = "TOTAL";
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...req.headers, "content-length": String(body.length) };
      const upstream = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("end", () => {
            const text = Buffer.concat(parts);
            if (parsed && answer.statusCode === 200) {
              for (const table of tablesOf(operation, parsed)) {
                const counts = tableUsage(table).requests;
                counts[operation] = (counts[operation] ?? 0) + 1;
              }
              for (const [table, units] of writeCapacityByTable(operation, parsed) ?? []) {
                tableUsage(table).awsRuleWriteUnits += units;
              }
              const answerBody = JSON.parse(text.toString("utf8")) as { ConsumedCapacity?: unknown };
              const consumed = ([] as ConsumedCapacity[]).concat(
                (answerBody.ConsumedCapacity ?? []) as ConsumedCapacity[],
              );
              for (const c of consumed) {
                const entry = tableUsage(String(c.TableName));
                const isRead = operation === "GetItem" || operation === "Query";
                const units = c.CapacityUnits ?? 0;
                entry.writeUnits += c.WriteCapacityUnits ?? (isRead ? 0 : units);
                entry.readUnits += c.ReadCapacityUnits ?? (isRead ? units : 0);
              }
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(text);
          });
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(`listening ${(server.address() as AddressInfo).port}`);
  });
}

if (require.main === module) main();
