import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  paginateScan,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from "aws-lambda";
import { chunk } from "../../functions/shared/chunk";
import { toQueueMessageBody } from "../../functions/shared/queue-message";
import { startDynamoDbLocal } from "../../local/dynamodb-local";
import { localClientConfig } from "../../local/local-credentials";
import { seededRandom } from "../../local/seeded-random";
import type { UsageByTable } from "./consumed-capacity-proxy";
import { median } from "./statistics";

const SUMMARY_TABLE = "bench-summary";
const LEDGER_TABLE = "bench-ledger";
const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Which handler writes the summary, and in batches of how many records. */
export interface CostScenario {
  label: string;
  writer: "project-summary" | "apply-summary" | "naive";
  batchSize: number;
  /** Other invocations per batch of the stream (the queued stack's forwarder), counted, not run. */
  forwarderBatchSize?: number;
}

export interface CostRow {
  scenario: string;
  accounts: number;
  orders: number;
  batchSize: number;
  /** Invocations of the summary writer (+ the forwarder's, for the queued stack). */
  invocations: number;
  summaryRequestsPerOrder: number;
  /** As AWS charges: 2 WCU per KB per item of a transaction, 1 per KB for a plain write. */
  summaryWcuPerOrder: number;
  /** What DynamoDB Local's ReturnConsumedCapacity reported for the same requests. */
  summaryWcuPerOrderReportedLocally: number;
  summaryRcuPerOrder: number;
  ledgerWcuPerOrder: number;
  /** Handler CPU (user + system) per record, median of the runs, microseconds. */
  handlerCpuMicrosPerRecord: number;
  /** One plain write per distinct account per batch, for these batches. */
  lowerBoundWrites: number;
  lowerBoundWcuPerOrder: number;
  /** summary requests / lower bound writes. */
  requestsToLowerBound: number;
  /** summary WCU / lower bound WCU (a plain 1 KB write per distinct account per batch). */
  wcuToLowerBound: number;
  runs: number;
}

function orderRecord(index: number, accountid: string, random: () => number): DynamoDBRecord {
  const vendorid = `order-${String(index).padStart(6, "0")}`;
  const prices = ["2.95", "3.45", "3.95"];
  return {
    eventID: `event-${index}`,
    eventName: "INSERT",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/bench-details/stream/bench",
    dynamodb: {
      Keys: { accountid: { S: accountid }, vendorid: { S: vendorid } },
      NewImage: {
        accountid: { S: accountid },
        vendorid: { S: vendorid },
        orderdate: { S: "2021-12-01 10:15:30.123456" },
        city: { S: "Seattle" },
        coffeetype: { S: "Latte" },
        coffeesize: { S: "Medium" },
        unitprice: { N: prices[Math.floor(random() * prices.length)] as string },
        quantity: { N: String(1 + Math.floor(random() * 5)) },
      },
      SequenceNumber: String(1e20 + index),
      SizeBytes: 200,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

/** `orders` INSERT records, each for an account drawn uniformly from `accounts` (fixed seed). */
export function workload(orders: number, accounts: number): DynamoDBRecord[] {
  const random = seededRandom(accounts);
  return Array.from({ length: orders }, (_, i) =>
    orderRecord(i + 1, `acct-${Math.floor(random() * accounts) + 1}`, random),
  );
}

function sqsEvent(records: DynamoDBRecord[]): SQSEvent {
  return {
    Records: records.map(
      (record): SQSRecord => ({
        messageId: `message-${record.eventID}`,
        receiptHandle: `receipt-${record.eventID}`,
        body: toQueueMessageBody(record),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "0",
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: "0",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:bench-summary-updates",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

interface Handlers {
  "project-summary": (event: DynamoDBStreamEvent) => Promise<unknown>;
  "apply-summary": (event: SQSEvent) => Promise<unknown>;
  naive: (event: DynamoDBStreamEvent) => Promise<unknown>;
}

async function startProxy(target: string): Promise<{ endpoint: string; process: ChildProcess }> {
  const child = spawn(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
    [path.join(__dirname, "consumed-capacity-proxy.ts"), target],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunkText: Buffer) => {
      text += chunkText.toString();
      const match = /listening (\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`capacity proxy exited with ${code}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, process: child };
}

/**
 * Runs the real handlers (functions/project-summary, functions/apply-summary) and the naive baseline
 * in this process against DynamoDB Local, through a proxy that adds up what every request consumed.
 */
export async function measureProjectionCost(
  scenarios: CostScenario[],
  cardinalities: number[],
  orders: number,
  runs: number,
  log: (line: string) => void,
): Promise<CostRow[]> {
  const dynamoDbLocal = await startDynamoDbLocal();
  const proxy = await startProxy(dynamoDbLocal.endpoint);
  const admin = new DynamoDBClient(localClientConfig(dynamoDbLocal.endpoint));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    SUMMARY_TABLE_NAME: SUMMARY_TABLE,
    LEDGER_TABLE_NAME: LEDGER_TABLE,
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  const handlers: Handlers = {
    "project-summary": (await import("../../functions/project-summary/index")).handler,
    "apply-summary": (await import("../../functions/apply-summary/index")).handler,
    naive: (await import("./naive-projection-handler")).handler,
  };
  const resetTables = async () => {
    for (const [name, key] of [
      [SUMMARY_TABLE, "accountid"],
      [LEDGER_TABLE, "id"],
    ]) {
      await admin.send(new DeleteTableCommand({ TableName: name })).catch(() => {});
      await admin.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }],
        }),
      );
    }
    await fetch(`${proxy.endpoint}/__reset`, { method: "POST" });
  };
  const projectedOrders = async () => {
    let total = 0;
    for await (const page of paginateScan({ client: admin }, { TableName: SUMMARY_TABLE })) {
      for (const item of page.Items ?? []) total += Number(item.order_count?.N ?? 0);
    }
    return total;
  };

  const rows: CostRow[] = [];
  try {
    for (const accounts of cardinalities) {
      const records = workload(orders, accounts);
      for (const scenario of scenarios) {
        const batches = chunk(records, scenario.batchSize);
        const lowerBoundWrites = batches.reduce(
          (sum, batch) => sum + new Set(batch.map((r) => r.dynamodb?.Keys?.accountid?.S)).size,
          0,
        );
        const cpuPerRecord: number[] = [];
        let usage: UsageByTable = {};
        for (let run = 0; run < runs; run++) {
          await resetTables();
          let cpuMicros = 0;
          for (const batch of batches) {
            const before = process.cpuUsage();
            if (scenario.writer === "apply-summary") await handlers["apply-summary"](sqsEvent(batch));
            else await handlers[scenario.writer]({ Records: batch });
            const spent = process.cpuUsage(before);
            cpuMicros += spent.user + spent.system;
          }
          const projected = await projectedOrders();
          if (projected !== orders) {
            throw new Error(
              `${scenario.label}, ${accounts} accounts: summary holds ${projected} orders, not ${orders}`,
            );
          }
          cpuPerRecord.push(cpuMicros / orders);
          usage = (await (await fetch(`${proxy.endpoint}/__counters`)).json()) as UsageByTable;
        }
        const summary = usage[SUMMARY_TABLE] ?? {
          requests: {},
          writeUnits: 0,
          readUnits: 0,
          awsRuleWriteUnits: 0,
        };
        const ledger = usage[LEDGER_TABLE];
        const writeRequests = Object.entries(summary.requests)
          .filter(([operation]) => operation !== "GetItem")
          .reduce((sum, [, n]) => sum + n, 0);
        const summaryRequests = Object.values(summary.requests).reduce((sum, n) => sum + n, 0);
        const forwarderInvocations = scenario.forwarderBatchSize
          ? Math.ceil(orders / scenario.forwarderBatchSize)
          : 0;
        const row: CostRow = {
          scenario: scenario.label,
          accounts,
          orders,
          batchSize: scenario.batchSize,
          invocations: batches.length + forwarderInvocations,
          summaryRequestsPerOrder: summaryRequests / orders,
          summaryWcuPerOrder: summary.awsRuleWriteUnits / orders,
          summaryWcuPerOrderReportedLocally: summary.writeUnits / orders,
          summaryRcuPerOrder: summary.readUnits / orders,
          ledgerWcuPerOrder: (ledger?.awsRuleWriteUnits ?? 0) / orders,
          handlerCpuMicrosPerRecord: Math.round(median(cpuPerRecord)),
          lowerBoundWrites,
          lowerBoundWcuPerOrder: lowerBoundWrites / orders,
          requestsToLowerBound: writeRequests / lowerBoundWrites,
          wcuToLowerBound: summary.awsRuleWriteUnits / lowerBoundWrites,
          runs,
        };
        rows.push(row);
        log(
          `  ${scenario.label.padEnd(40)} ${String(accounts).padStart(6)} accounts: ` +
            `${row.summaryWcuPerOrder.toFixed(3)} summary WCU/order, ${row.handlerCpuMicrosPerRecord} µs CPU/record`,
        );
      }
    }
  } finally {
    admin.destroy();
    proxy.process.kill();
    await dynamoDbLocal.stop();
  }
  return rows;
}
