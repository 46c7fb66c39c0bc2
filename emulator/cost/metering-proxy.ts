/**
 * An HTTP proxy in front of DynamoDB Local and the SQS emulator that meters every request as AWS bills it
 * (emulator/cost/charges.ts). DynamoDB Local's own ReturnConsumedCapacity is wrong for transactions (a flat 4
 * per table) and silent on failed conditions, so the proxy reads each written item itself just before and
 * just after the request, straight from DynamoDB Local (those reads are not metered), and charges the
 * larger size; Local's figure is kept beside it. Sizes are exact when one writer touches an item at a time
 * (the bench); with concurrent writers to one item (the demo) a neighbour's write can land between the
 * reads, which moves the size by that write's few bytes.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  itemSize,
  itemWriteUnits,
  type Prices,
  readUnits,
  sqsBilledRequests,
  TRANSACTION_FACTOR,
} from "./charges";

type Item = Record<string, Record<string, unknown>>;
type Body = Record<string, unknown>;

export interface TableMeter {
  /** Requests by operation, whatever their outcome (a failed condition is billed too). */
  requests: Record<string, number>;
  /** Write units as AWS charges them. */
  writeUnits: number;
  readUnits: number;
  /** What DynamoDB Local reported through ReturnConsumedCapacity, for the requests that succeeded. */
  localWriteUnits: number;
  localReadUnits: number;
  failedConditions: number;
  cancelledTransactions: number;
  throttled: number;
}

export interface SqsMeter {
  /** Requests by action, as sent. */
  requests: Record<string, number>;
  /** Requests as billed: each 64 KB chunk of a payload is one. */
  billedRequests: number;
  emptyReceives: number;
  messagesSent: number;
  messagesReceived: number;
}

export interface Meters {
  tables: Record<string, TableMeter>;
  /** Every SQS request. */
  sqs: SqsMeter;
  /** The same, by queue name (requests naming a QueueUrl). */
  queues: Record<string, SqsMeter>;
}

const emptySqs = (): SqsMeter => ({
  requests: {},
  billedRequests: 0,
  emptyReceives: 0,
  messagesSent: 0,
  messagesReceived: 0,
});

/** Total write units, read units and billed SQS requests of some meters. */
export function meterTotals(meters: Meters, tables?: readonly string[]) {
  const chosen = Object.entries(meters.tables).filter(([name]) => !tables || tables.includes(name));
  return {
    writeUnits: chosen.reduce((sum, [, t]) => sum + t.writeUnits, 0),
    readUnits: chosen.reduce((sum, [, t]) => sum + t.readUnits, 0),
    localWriteUnits: chosen.reduce((sum, [, t]) => sum + t.localWriteUnits, 0),
    sqsRequests: meters.sqs.billedRequests,
  };
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(target: URL, headers: IncomingHttpHeaders, method: string, url: string, body: Buffer) {
  return new Promise<Upstream>((resolve, reject) => {
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method,
        path: url,
        headers: { ...headers, host: target.host, "content-length": String(body.length) },
      },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => parts.push(chunk));
        answer.on("end", () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }),
        );
        answer.on("error", reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

/** The upstream's headers for a body sent whole: its length, not its transfer encoding. */
function replyHeaders(answer: Upstream): IncomingHttpHeaders {
  const { "content-length": _length, "transfer-encoding": _encoding, ...headers } = answer.headers;
  return { ...headers, "content-length": String(answer.body.length) };
}

function readBody(req: import("node:http").IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parse(buffer: Buffer): Body {
  try {
    return JSON.parse(buffer.toString("utf8")) as Body;
  } catch {
    return {};
  }
}

const tableNameOf = (nameOrArn: unknown) => {
  const text = String(nameOrArn);
  return /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)/.exec(text)?.[1] ?? text;
};

/** One item a write touches: its table, its key, and what the write is charged on. */
interface WriteTarget {
  table: string;
  key: Item;
  transactional: boolean;
}

const METERED_DYNAMODB = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
  "Query",
  "BatchGetItem",
  "TransactGetItems",
]);

class DynamoDbMeter {
  private readonly keyNames = new Map<string, string[]>();
  constructor(
    private readonly target: URL,
    private readonly meter: (table: string) => TableMeter,
  ) {}

  private async call(operation: string, body: Body, headers: IncomingHttpHeaders): Promise<Body> {
    const answer = await send(
      this.target,
      { ...headers, "x-amz-target": `DynamoDB_20120810.${operation}` },
      "POST",
      "/",
      Buffer.from(JSON.stringify(body)),
    );
    return parse(answer.body);
  }

  private async keyOf(table: string, item: Item, headers: IncomingHttpHeaders): Promise<Item> {
    let names = this.keyNames.get(table);
    if (!names) {
      const described = (await this.call("DescribeTable", { TableName: table }, headers)) as {
        Table?: { KeySchema?: { AttributeName: string }[] };
      };
      names = (described.Table?.KeySchema ?? []).map((k) => k.AttributeName);
      this.keyNames.set(table, names);
    }
    return Object.fromEntries(names.map((name) => [name, item[name]]));
  }

  private async sizeOf(target: WriteTarget, headers: IncomingHttpHeaders): Promise<number> {
    const answer = (await this.call(
      "GetItem",
      { TableName: target.table, Key: target.key, ConsistentRead: true },
      headers,
    )) as { Item?: Item };
    return itemSize(answer.Item);
  }

  private async writeTargets(operation: string, body: Body, headers: IncomingHttpHeaders) {
    const targets: WriteTarget[] = [];
    const add = async (
      table: string,
      key: Item | undefined,
      item: Item | undefined,
      transactional: boolean,
    ) => {
      const name = tableNameOf(table);
      targets.push({ table: name, key: key ?? (await this.keyOf(name, item ?? {}, headers)), transactional });
    };
    if (operation === "PutItem" || operation === "UpdateItem" || operation === "DeleteItem") {
      await add(String(body.TableName), body.Key as Item | undefined, body.Item as Item | undefined, false);
    } else if (operation === "BatchWriteItem") {
      for (const [table, writes] of Object.entries((body.RequestItems ?? {}) as Record<string, Body[]>)) {
        for (const write of writes) {
          const put = write.PutRequest as { Item?: Item } | undefined;
          const del = write.DeleteRequest as { Key?: Item } | undefined;
          await add(table, del?.Key, put?.Item, false);
        }
      }
    } else if (operation === "TransactWriteItems") {
      for (const action of (body.TransactItems ?? []) as Record<string, Body>[]) {
        for (const write of Object.values(action)) {
          await add(
            String(write.TableName),
            write.Key as Item | undefined,
            write.Item as Item | undefined,
            true,
          );
        }
      }
    }
    return targets;
  }

  /** Forwards one DynamoDB request, metering it; returns DynamoDB Local's answer unchanged. */
  async forward(
    operation: string,
    raw: Buffer,
    headers: IncomingHttpHeaders,
    method: string,
    url: string,
  ): Promise<Upstream> {
    if (!METERED_DYNAMODB.has(operation)) return send(this.target, headers, method, url, raw);
    const body = parse(raw);
    body.ReturnConsumedCapacity = "TOTAL";
    const targets = await this.writeTargets(operation, body, headers);
    const before = await Promise.all(targets.map((t) => this.sizeOf(t, headers)));
    const answer = await send(this.target, headers, method, url, Buffer.from(JSON.stringify(body)));
    const reply = parse(answer.body);
    const errorType = String(reply.__type ?? "").replace(/^.*#/, "");
    if (
      answer.status === 200 ||
      errorType === "ConditionalCheckFailedException" ||
      errorType === "TransactionCanceledException"
    ) {
      const tables = new Set(
        operation === "BatchGetItem"
          ? Object.keys((body.RequestItems ?? {}) as object)
          : operation === "TransactGetItems"
            ? ((body.TransactItems ?? []) as { Get: Body }[]).map((a) => tableNameOf(a.Get.TableName))
            : targets.length > 0
              ? targets.map((t) => t.table)
              : [tableNameOf(body.TableName)],
      );
      for (const table of tables) {
        const requests = this.meter(table).requests;
        requests[operation] = (requests[operation] ?? 0) + 1;
      }
    }
    if (answer.status === 200) {
      const after = await Promise.all(targets.map((t) => this.sizeOf(t, headers)));
      targets.forEach((t, i) => {
        this.meter(t.table).writeUnits +=
          (t.transactional ? TRANSACTION_FACTOR : 1) * itemWriteUnits(before[i], after[i]);
      });
      await this.chargeReads(operation, body, reply, headers);
      this.addLocal(operation, reply);
    } else if (errorType === "ConditionalCheckFailedException") {
      this.meter(targets[0].table).failedConditions++;
      this.meter(targets[0].table).writeUnits += itemWriteUnits(before[0]);
    } else if (errorType === "TransactionCanceledException") {
      for (const table of new Set(targets.map((t) => t.table))) this.meter(table).cancelledTransactions++;
      targets.forEach((t, i) => {
        this.meter(t.table).writeUnits += TRANSACTION_FACTOR * itemWriteUnits(before[i]);
      });
    } else if (errorType === "ProvisionedThroughputExceededException") {
      for (const t of targets) this.meter(t.table).throttled++;
    }
    // The answer goes back byte for byte (the SDK checks its CRC32), ConsumedCapacity included.
    return answer;
  }

  private async chargeReads(operation: string, body: Body, reply: Body, headers: IncomingHttpHeaders) {
    const consistent = body.ConsistentRead === true;
    if (operation === "GetItem") {
      this.meter(tableNameOf(body.TableName)).readUnits += readUnits(
        itemSize(reply.Item as Item),
        consistent,
      );
    } else if (operation === "Query") {
      // A query is charged on the items it reads, whatever it projects: ask again without the projection.
      let items = (reply.Items ?? []) as Item[];
      if (body.ProjectionExpression !== undefined || body.Select !== undefined) {
        const { ProjectionExpression: _p, Select: _s, ReturnConsumedCapacity: _r, ...whole } = body;
        const names = whole.ExpressionAttributeNames as Record<string, string> | undefined;
        if (names) {
          const used = JSON.stringify([whole.KeyConditionExpression, whole.FilterExpression]);
          whole.ExpressionAttributeNames = Object.fromEntries(
            Object.entries(names).filter(([placeholder]) => used.includes(placeholder)),
          );
        }
        items = ((await this.call("Query", whole, headers)).Items ?? []) as Item[];
      }
      const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
      this.meter(tableNameOf(body.TableName)).readUnits += readUnits(bytes, consistent);
    } else if (operation === "BatchGetItem") {
      for (const [table, items] of Object.entries((reply.Responses ?? {}) as Record<string, Item[]>)) {
        const request = ((body.RequestItems ?? {}) as Record<string, Body>)[table];
        for (const item of items) {
          this.meter(table).readUnits += readUnits(itemSize(item), request?.ConsistentRead === true);
        }
      }
    } else if (operation === "TransactGetItems") {
      const gets = (body.TransactItems ?? []) as { Get: Body }[];
      const responses = (reply.Responses ?? []) as { Item?: Item }[];
      gets.forEach((action, i) => {
        this.meter(tableNameOf(action.Get.TableName)).readUnits +=
          TRANSACTION_FACTOR * readUnits(itemSize(responses[i]?.Item), true);
      });
    }
  }

  private addLocal(operation: string, reply: Body) {
    const reads = new Set(["GetItem", "Query", "BatchGetItem", "TransactGetItems"]);
    const consumed = (
      [] as {
        TableName?: string;
        CapacityUnits?: number;
        ReadCapacityUnits?: number;
        WriteCapacityUnits?: number;
      }[]
    ).concat((reply.ConsumedCapacity ?? []) as never);
    for (const c of consumed) {
      const meter = this.meter(tableNameOf(c.TableName));
      const units = c.CapacityUnits ?? 0;
      meter.localWriteUnits += c.WriteCapacityUnits ?? (reads.has(operation) ? 0 : units);
      meter.localReadUnits += c.ReadCapacityUnits ?? (reads.has(operation) ? units : 0);
    }
  }
}

function sqsAction(headers: IncomingHttpHeaders, raw: Buffer): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.replace(/^AmazonSQS\./, "");
  return /(?:^|&)Action=([^&]+)/.exec(raw.toString("utf8"))?.[1] ?? "Unknown";
}

function bytesOfAttributes(attributes: unknown): number {
  return Object.entries(
    (attributes ?? {}) as Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string }>,
  ).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? "") +
      Buffer.byteLength(value.StringValue ?? "") +
      Buffer.byteLength(value.BinaryValue ?? "", "base64"),
    0,
  );
}

/** Meters one SQS request (JSON protocol): billed requests by payload, empty receives, messages. */
function meterSqs(meter: SqsMeter, action: string, request: Body, reply: Body, bytesPerRequest: number) {
  meter.requests[action] = (meter.requests[action] ?? 0) + 1;
  let payload = 0;
  if (action === "SendMessage") {
    payload =
      Buffer.byteLength(String(request.MessageBody ?? "")) + bytesOfAttributes(request.MessageAttributes);
    if (reply.MessageId) meter.messagesSent++;
  } else if (action === "SendMessageBatch") {
    for (const entry of (request.Entries ?? []) as Body[]) {
      payload +=
        Buffer.byteLength(String(entry.MessageBody ?? "")) + bytesOfAttributes(entry.MessageAttributes);
    }
    meter.messagesSent += ((reply.Successful ?? []) as unknown[]).length;
  } else if (action === "ReceiveMessage") {
    const messages = (reply.Messages ?? []) as Body[];
    if (messages.length === 0) meter.emptyReceives++;
    meter.messagesReceived += messages.length;
    for (const message of messages) {
      payload += Buffer.byteLength(String(message.Body ?? "")) + bytesOfAttributes(message.MessageAttributes);
    }
  }
  meter.billedRequests += sqsBilledRequests(payload, bytesPerRequest);
}

const SQS_METERED = new Set([
  "SendMessage",
  "SendMessageBatch",
  "ReceiveMessage",
  "DeleteMessage",
  "DeleteMessageBatch",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
]);

export interface MeteringProxy {
  /** Where DynamoDB clients should send requests. */
  dynamodbEndpoint: string;
  /** Where SQS clients should send requests. */
  sqsEndpoint: string;
  meters(): Meters;
  reset(): void;
  stop(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });
}

export interface MeteringProxyOptions {
  host?: string;
  /** Port of the SQS side: the one the emulator's queue URLs name (the SDK sends to the QueueUrl's host). */
  sqsPort?: number;
}

/** Starts the proxy in this process in front of `dynamodb` and `sqs` (endpoints). */
export async function startMeteringProxy(
  upstream: { dynamodb: string; sqs: string },
  prices: Pick<Prices, "sqs">,
  options: MeteringProxyOptions = {},
): Promise<MeteringProxy> {
  const host = options.host ?? "127.0.0.1";
  let meters: Meters = { tables: {}, sqs: emptySqs(), queues: {} };
  const tableMeter = (table: string): TableMeter => {
    meters.tables[table] ??= {
      requests: {},
      writeUnits: 0,
      readUnits: 0,
      localWriteUnits: 0,
      localReadUnits: 0,
      failedConditions: 0,
      cancelledTransactions: 0,
      throttled: 0,
    };
    return meters.tables[table];
  };
  const dynamodbTarget = new URL(upstream.dynamodb);
  const sqsTarget = new URL(upstream.sqs);
  const dynamodb = new DynamoDbMeter(dynamodbTarget, tableMeter);

  const dynamodbServer = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
      const answer = await dynamodb.forward(
        operation,
        raw,
        req.headers,
        req.method ?? "POST",
        req.url ?? "/",
      );
      res.writeHead(answer.status, replyHeaders(answer)).end(answer.body);
    } catch {
      res.destroy();
    }
  });
  const sqsServer = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const action = sqsAction(req.headers, raw);
      const answer = await send(sqsTarget, req.headers, req.method ?? "POST", req.url ?? "/", raw);
      if (SQS_METERED.has(action) && answer.status === 200) {
        const request = parse(raw);
        const reply = parse(answer.body);
        const bytes = prices.sqs.bytesPerBilledRequest;
        meterSqs(meters.sqs, action, request, reply, bytes);
        const queue = String(request.QueueUrl ?? "").replace(/^.*\//, "");
        if (queue) {
          meters.queues[queue] ??= emptySqs();
          meterSqs(meters.queues[queue], action, request, reply, bytes);
        }
      }
      res.writeHead(answer.status, replyHeaders(answer)).end(answer.body);
    } catch {
      res.destroy();
    }
  });
  const [dynamodbEndpoint, sqsEndpoint] = await Promise.all([
    listen(dynamodbServer, host, 0),
    listen(sqsServer, host, options.sqsPort ?? 0),
  ]);
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    dynamodbEndpoint,
    sqsEndpoint,
    meters: () => structuredClone(meters),
    reset: () => {
      meters = { tables: {}, sqs: emptySqs(), queues: {} };
    },
    stop: async () => {
      await Promise.all([close(dynamodbServer), close(sqsServer)]);
    },
  };
}
