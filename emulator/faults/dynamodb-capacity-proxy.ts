import { randomBytes } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { TokenBucket } from "./token-bucket";
import { writeCapacityByTable } from "./write-capacity";

/** DynamoDB keeps up to 300 seconds of unused capacity for bursts. */
export const BURST_SECONDS = 300;

const throttledBody = JSON.stringify({
  __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  message:
    "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
});

export interface CapacityTable {
  name: string;
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  writeCapacity?: number;
}

/** Per table name, per operation name. */
export type CountsByTable = Record<string, Record<string, number>>;

export interface DynamoDbWriteCounters {
  /** Write requests forwarded and answered 200, per table touched and operation. */
  writes: CountsByTable;
  /** Write requests answered ProvisionedThroughputExceededException, per table lacking capacity and operation. */
  throttled: CountsByTable;
  /** Write capacity units charged for forwarded writes, per table. */
  consumedWriteCapacity: Record<string, number>;
}

export interface DynamoDbCapacityProxyOptions {
  /** DynamoDB Local's endpoint, e.g. http://127.0.0.1:8000. */
  target: string;
  /** Enforce provisioned write capacity; when false the proxy only counts. */
  throttle: boolean;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Clock of the token buckets, in milliseconds. */
  now?: () => number;
}

export interface DynamoDbCapacityProxy {
  endpoint: string;
  /** Tracks these tables; a provisioned one gets a token bucket that starts empty now. */
  addTables(tables: Iterable<CapacityTable>): void;
  /**
   * Spends the burst capacity every provisioned table has banked so far, as if each had been busy until
   * now: a workload that starts after a slow start-up then meets the same capacity on any machine.
   */
  emptyBuckets(): void;
  /** Counters so far, for the given tables only when named. */
  counters(tables?: Iterable<string>): DynamoDbWriteCounters;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of DynamoDB Local for the functions' SDK. Each provisioned table has a token
 * bucket: refill = write capacity per second, room for BURST_SECONDS of it. A write the bucket cannot pay
 * for gets DynamoDB's own ProvisionedThroughputExceededException answer, so the SDK's retries and the
 * handler's error handling see what they would on AWS.
 */
export async function startDynamoDbCapacityProxy(
  options: DynamoDbCapacityProxyOptions,
): Promise<DynamoDbCapacityProxy> {
  const target = new URL(options.target);
  const now = options.now ?? Date.now;
  const agent = new Agent({ keepAlive: true });
  const buckets = new Map<string, TokenBucket>();
  const counts: DynamoDbWriteCounters = { writes: {}, throttled: {}, consumedWriteCapacity: {} };
  const increment = (byTable: CountsByTable, table: string, operation: string) => {
    byTable[table] ??= {};
    byTable[table][operation] = (byTable[table][operation] ?? 0) + 1;
  };

  const forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) =>
    new Promise<number>((resolve) => {
      const upstream = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on("end", () => resolve(answer.statusCode ?? 502));
          answer.on("error", () => resolve(502));
        },
      );
      upstream.on("error", () => {
        response.destroy();
        resolve(502);
      });
      upstream.end(body);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
    const parsed = parseJson(body);
    const costs = parsed === undefined ? undefined : writeCapacityByTable(operation, parsed);
    if (!costs) {
      await forward(request, body, response);
      return;
    }
    if (options.throttle) {
      const lacking = [...costs].filter(([table, units]) => buckets.get(table)?.canTake(units) === false);
      if (lacking.length > 0) {
        for (const [table] of lacking) increment(counts.throttled, table, operation);
        answerThrottled(response);
        return;
      }
      for (const [table, units] of costs) buckets.get(table)?.tryTake(units);
    }
    for (const [table, units] of costs) {
      counts.consumedWriteCapacity[table] = (counts.consumedWriteCapacity[table] ?? 0) + units;
    }
    const status = await forward(request, body, response);
    if (status === 200) for (const table of costs.keys()) increment(counts.writes, table, operation);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    endpoint: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    addTables(tables) {
      for (const table of tables) {
        if (table.billingMode !== "PROVISIONED" || !table.writeCapacity) continue;
        buckets.set(
          table.name,
          new TokenBucket(table.writeCapacity, table.writeCapacity * BURST_SECONDS, now),
        );
      }
    },
    emptyBuckets() {
      for (const bucket of buckets.values()) bucket.empty();
    },
    counters(tables) {
      const copy = structuredClone(counts);
      if (!tables) return copy;
      const wanted = new Set(tables);
      const only = <T>(byTable: Record<string, T>) =>
        Object.fromEntries(Object.entries(byTable).filter(([table]) => wanted.has(table)));
      return {
        writes: only(copy.writes),
        throttled: only(copy.throttled),
        consumedWriteCapacity: only(copy.consumedWriteCapacity),
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Exactly DynamoDB's answer: HTTP 400, JSON 1.0 content type, request id and CRC32 headers. */
function answerThrottled(response: ServerResponse): void {
  response.writeHead(400, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(throttledBody),
    "x-amzn-requestid": randomBytes(26).toString("hex").toUpperCase(),
    "x-amz-crc32": String(crc32(throttledBody)),
  });
  response.end(throttledBody);
}
