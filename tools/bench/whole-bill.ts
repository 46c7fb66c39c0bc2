/**
 * The whole bill per order: every order goes through the stack's API (the VTL's PutItem of the details
 * item), the details table's real stream records are batched as the mappings would batch them at the stated
 * arrival rate, the real function bundles run against DynamoDB Local and the SQS emulator, and the metering
 * proxy charges every request as AWS does (docs/benchmarks.md, section 1).
 */
import { DeleteTableCommand, DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { type _Record, DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DeleteQueueCommand, type Message, SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord, SQSRecord } from "aws-lambda";
import Big from "big.js";
import {
  type Dollars,
  dollarsPerMillionOrders,
  lambdaGbSeconds,
  type Prices,
} from "../../emulator/cost/charges";
import {
  type MeteringProxy,
  type Meters,
  meterTotals,
  startMeteringProxy,
} from "../../emulator/cost/metering-proxy";
import { startDynamoDbLocal } from "../../emulator/dynamodb-local";
import { toLambdaDynamoDbRecord } from "../../emulator/event-sources/dynamodb-stream-record";
import { findFreePort } from "../../emulator/free-port";
import type { InvocationResult } from "../../emulator/lambda";
import { localClientConfig } from "../../emulator/local-credentials";
import { seededRandom } from "../../emulator/seeded-random";
import { startSqsLocal } from "../../emulator/sqs-local";
import { type RunningStack, startStack } from "../../emulator/stack-runtime";
import type { SynthesizedStack } from "../../emulator/terraform/terraform-document";
import { DETAILS_HASH_KEY, SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import { summaryDeltaOf } from "../../functions/domain/summary-delta";
import type { SummaryFigures } from "../../functions/domain/types";
import { WRITE_BUDGET_VARIABLE } from "../../functions/summary/write-budget";
import { OUTPUTS } from "../../stacks/outputs";
import { apiTargetOf, postOrder } from "../load/api-client";
import { inParallel } from "../load/in-parallel";
import { randomOrder } from "../load/orders";
import type { SynthesizedProjectionSettings } from "../shared/projection-settings";
import { functionMemory } from "../shared/stack-bill";
import { readStreamRecords } from "../verify/stream-reader";
import { type Baseline, baselineHandler } from "./baseline-handlers";
import { type Arrival, type Batching, streamBatches } from "./batching";
import { pollQueue } from "./sqs-poller";

export const WORKLOADS = ["1", "100", "10000", "zipf"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
/** The Zipf workload: this many accounts, account k drawn with weight 1 / k^ZIPF_EXPONENT. */
export const ZIPF_ACCOUNTS = 10_000;
export const ZIPF_EXPONENT = 1.1;

/** One row of tools/bench/results.json's `cost` (its field names are published: readers of the file rely on them). */
export interface CostRow {
  stack: string;
  workload: WorkloadName;
  batchSize: number;
  totalWriteUnitsPerOrder: number;
  summaryWriteUnitsPerOrder: number;
  readUnitsPerOrder: number;
  sqsRequestsPerOrder: number;
  dollarsPerMillionOrders: Dollars;
  lowerBoundWriteUnitsPerOrder: number;
  exact: boolean;
  default?: false;
  /** What the row is made of, beyond the published fields. */
  detail: CostDetail;
}

export interface CostDetail {
  orders: number;
  ratePerSecond: number;
  /** Batching of each mapping in this run (source -> size, window). */
  batching: Record<string, Batching>;
  /** Write units per order by table role (details, summary, others by table name). */
  writeUnitsPerOrderByTable: Record<string, number>;
  /** DynamoDB Local's own ReturnConsumedCapacity for the same requests (successful ones). */
  localReportedWriteUnitsPerOrder: number;
  failedConditionalWrites: number;
  cancelledTransactions: number;
  sqsRequestsByAction: Record<string, number>;
  emptyReceives: number;
  sqsMessagesSent: number;
  sqsMessagesReceived: number;
  lambdaInvocations: Record<string, number>;
  lambdaGbSecondsPerOrder: number;
  /** Distinct accounts per summary-writer batch, averaged. */
  accountsPerBatch: number;
  wallSeconds: number;
}

export interface Workload {
  name: WorkloadName;
  accounts: number;
  /** Account index (1-based) for a uniform draw in [0, 1). */
  account: (draw: number) => number;
}

export function workloadOf(name: WorkloadName): Workload {
  if (name !== "zipf") {
    const accounts = Number(name);
    return { name, accounts, account: (draw) => Math.floor(draw * accounts) + 1 };
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= ZIPF_ACCOUNTS; k++) {
    sum += 1 / k ** ZIPF_EXPONENT;
    cumulative.push(sum);
  }
  return {
    name,
    accounts: ZIPF_ACCOUNTS,
    account: (draw) => {
      const target = draw * sum;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (cumulative[middle] < target) low = middle + 1;
        else high = middle;
      }
      return low + 1;
    },
  };
}

/** What runs the summary side: a synthesized stack at some batching, or a baseline on the direct stack. */
export interface CostScenario {
  stack: string;
  synthesized: SynthesizedStack;
  settings: SynthesizedProjectionSettings;
  baseline?: Baseline;
  /** Batching by mapping source; defaults to the synthesized. */
  batching: Record<"dynamodb-stream" | "sqs", Batching | undefined>;
  isDefault: boolean;
}

export interface CostOptions {
  orders: number;
  rate: number;
  prices: Prices;
  log: (line: string) => void;
}

export interface Emulators {
  dynamodb: string;
  sqs: string;
  /** In front of both; the SQS emulator's queue URLs name it, so every SQS request passes through it. */
  proxy: MeteringProxy;
  stop(): Promise<void>;
}

export async function startEmulators(prices: Prices): Promise<Emulators> {
  const proxySqsPort = await findFreePort();
  const [dynamodb, sqs] = await Promise.all([
    startDynamoDbLocal(),
    startSqsLocal({ queueUrlPort: proxySqsPort }),
  ]);
  const proxy = await startMeteringProxy({ dynamodb: dynamodb.endpoint, sqs: sqs.endpoint }, prices, {
    sqsPort: proxySqsPort,
  });
  return {
    dynamodb: dynamodb.endpoint,
    sqs: sqs.endpoint,
    proxy,
    stop: async () => {
      await proxy.stop();
      await Promise.all([dynamodb.stop(), sqs.stop()]);
    },
  };
}

/** Every record of the details stream, in sequence order. */
async function readStream(streams: DynamoDBStreamsClient, streamArn: string): Promise<_Record[]> {
  const records = await readStreamRecords(streams, streamArn);
  return records.sort((a, b) =>
    Number(BigInt(a.dynamodb?.SequenceNumber ?? "0") - BigInt(b.dynamodb?.SequenceNumber ?? "0")),
  );
}

/** The bench is the event source mappings (it forms the batches itself, in simulated time): none runs locally. */
/**
 * The bench runs the functions itself, and its DynamoDB endpoint meters without throttling: it measures
 * what each order costs, not how fast the capacity lets it through (section 2 derives that). So
 * apply-summary's write budget is lifted: pacing only delays writes, and here it would stretch a run
 * to the capacity's pace and fail work the budget could not pay for before the invocation's deadline.
 */
const UNPACED_WRITE_UNITS_PER_SECOND = "1000000";

function asBenchRunsIt(stack: SynthesizedStack): SynthesizedStack {
  const document = structuredClone(stack.document);
  for (const mapping of Object.values(document.resource?.aws_lambda_event_source_mapping ?? {})) {
    mapping.enabled = false;
  }
  for (const fn of Object.values(document.resource?.aws_lambda_function ?? {})) {
    const variables = (fn.environment as { variables?: Record<string, string> } | undefined)?.variables;
    if (variables?.[WRITE_BUDGET_VARIABLE] !== undefined) {
      variables[WRITE_BUDGET_VARIABLE] = UNPACED_WRITE_UNITS_PER_SECOND;
    }
  }
  return { ...stack, document };
}

/** Per-account sums of the orders the stream recorded, against the summary table's items. */
async function summariesMatch(
  admin: DynamoDBClient,
  table: string,
  records: DynamoDBRecord[],
): Promise<boolean> {
  const expected = new Map<string, SummaryFigures>();
  for (const record of records) {
    const delta = summaryDeltaOf(record);
    const sum = expected.get(delta.accountId) ?? { accountTotal: new Big(0), orderCount: 0 };
    expected.set(delta.accountId, {
      accountTotal: sum.accountTotal.plus(delta.amount),
      orderCount: sum.orderCount + delta.orderCount,
    });
  }
  let seen = 0;
  for await (const page of paginateScan({ client: admin }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      const want = expected.get(item[SUMMARY.accountId]?.S ?? "");
      if (!want) continue;
      seen++;
      if (Number(item[SUMMARY.orderCount]?.N ?? "0") !== want.orderCount) return false;
      if (!new Big(item[SUMMARY.accountTotal]?.N ?? "0").eq(want.accountTotal)) return false;
    }
  }
  return seen === expected.size;
}

const sqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => ({
  messageId: message.MessageId ?? "",
  receiptHandle: message.ReceiptHandle ?? "",
  body: message.Body ?? "",
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1",
    SentTimestamp: message.Attributes?.SentTimestamp ?? "0",
    SenderId: message.Attributes?.SenderId ?? "local",
    ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? "0",
  },
  // Lambda's event spells the message attributes in camel case.
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? "String",
        stringValue: value.StringValue,
        binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString("base64") : undefined,
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? "",
  eventSource: "aws:sqs",
  eventSourceARN: queueArn,
  awsRegion: region,
});

function failedItems(result: InvocationResult, what: string): void {
  if (!result.ok) throw new Error(`${what} failed: ${result.errorType} ${result.errorMessage}`);
  const failures = (result.payload as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [];
  if (failures.length > 0) throw new Error(`${what} reported ${failures.length} failed items`);
}

/**
 * One run: fresh resources of the scenario's stack, `orders` orders through its API, then its summary side
 * fed in simulated time. Returns the row without its lower bound (filled in by the caller).
 */
export async function measureRun(
  scenario: CostScenario,
  workload: Workload,
  emulators: Emulators,
  options: CostOptions,
): Promise<Omit<CostRow, "lowerBoundWriteUnitsPerOrder">> {
  const started = Date.now();
  const proxy = emulators.proxy;
  const admin = new DynamoDBClient(localClientConfig(emulators.dynamodb));
  const streams = new DynamoDBStreamsClient(localClientConfig(emulators.dynamodb));
  // Queue URLs name the proxy; this client only deletes queues, which is not a metered action.
  const adminSqs = new SQSClient(localClientConfig(proxy.sqsEndpoint));
  const meteredSqs = new SQSClient(localClientConfig(proxy.sqsEndpoint));
  const meteredDynamodb = new DynamoDBClient(localClientConfig(proxy.dynamodbEndpoint));
  let stack: RunningStack | undefined;
  try {
    stack = await startStack(
      asBenchRunsIt(scenario.synthesized),
      { dynamodbEndpoint: proxy.dynamodbEndpoint, sqsEndpoint: proxy.sqsEndpoint },
      { port: 0, functionLogs: "silent" },
    );
    // Busy functions run warm: the first start of each is left out of the durations.
    for (const fn of stack.functions.values()) await fn.invoke({ Records: [] });
    proxy.reset();

    const random = seededRandom(7 + workload.accounts);
    const runId = `b${Date.now().toString(36)}`;
    const orders = Array.from({ length: options.orders }, (_, i) =>
      randomOrder(
        random,
        `${runId}-acct-${workload.account(random())}`,
        `${runId}-${String(i).padStart(6, "0")}`,
      ),
    );
    const target = apiTargetOf(stack);
    await inParallel(orders, 8, async (order) => {
      const answer = await postOrder(target, order);
      if (answer.status !== 200)
        throw new Error(`order ${order.vendorid}: HTTP ${answer.status} ${answer.text}`);
    });

    const details = stack.tables.find((table) => table.streamArn !== undefined);
    if (!details?.streamArn) throw new Error(`${stack.name}: no table with a stream`);
    const streamArn = details.streamArn;
    const epochStart = Math.floor(Date.now() / 1000);
    const arrivals: Arrival<DynamoDBRecord>[] = (await readStream(streams, streamArn)).map((raw, k) => {
      const record = toLambdaDynamoDbRecord(raw, streamArn, stack?.region ?? "us-east-1");
      const at = k / options.rate;
      if (record.dynamodb) record.dynamodb.ApproximateCreationDateTime = Math.floor(epochStart + at);
      return { at, item: record };
    });
    if (arrivals.length !== options.orders) {
      throw new Error(`${stack.name}: the stream holds ${arrivals.length} records, not ${options.orders}`);
    }

    const memory = functionMemory(stack.model);
    const memoryOf = (functionName: string) => {
      const mb = memory.get(functionName);
      if (mb === undefined) throw new Error(`${scenario.stack}: no function named ${functionName}`);
      return mb;
    };
    const invocations: Record<string, number> = {};
    let gbSeconds = 0;
    let summaryBatches = 0;
    let accountsInBatches = 0;
    const countBatch = (accounts: Iterable<string>) => {
      summaryBatches++;
      accountsInBatches += new Set(accounts).size;
    };
    const invoke = async (functionName: string, event: unknown) => {
      const fn =
        stack?.functions.get(functionName) ??
        [...(stack?.functions.values() ?? [])].find((f) => f.name === functionName);
      if (!fn) throw new Error(`no function ${functionName}`);
      const result = await fn.invoke(event);
      invocations[functionName] = (invocations[functionName] ?? 0) + 1;
      gbSeconds += lambdaGbSeconds(memoryOf(functionName), result.durationMs);
      failedItems(result, functionName);
    };

    const streamMapping = scenario.settings.mappings.find((m) => m.source === "dynamodb-stream");
    const queueMapping = scenario.settings.mappings.find((m) => m.source === "sqs");
    if (!streamMapping) throw new Error(`${stack.name}: no stream mapping`);
    const streamBatching = scenario.batching["dynamodb-stream"] ?? {
      batchSize: streamMapping.batchSize,
      windowSeconds: streamMapping.batchingWindowSeconds,
    };
    const batching: Record<string, Batching> = { "dynamodb-stream": streamBatching };
    const batches = streamBatches(arrivals, streamBatching);
    const summaryTable = String(stack.outputs[OUTPUTS.summaryTableName]);

    if (scenario.baseline) {
      const handler = baselineHandler(scenario.baseline, meteredDynamodb, summaryTable);
      const memory = memoryOf(streamMapping.functionName);
      for (const batch of batches) {
        const began = performance.now();
        await handler(batch.items);
        invocations[scenario.baseline] = (invocations[scenario.baseline] ?? 0) + 1;
        gbSeconds += lambdaGbSeconds(memory, performance.now() - began);
        countBatch(batch.items.map((r) => r.dynamodb?.Keys?.[DETAILS_HASH_KEY]?.S ?? ""));
      }
    } else if (!queueMapping) {
      for (const batch of batches) {
        await invoke(streamMapping.functionName, { Records: batch.items });
        countBatch(batch.items.map((r) => r.dynamodb?.Keys?.[DETAILS_HASH_KEY]?.S ?? ""));
      }
    } else {
      const queue = stack.queues.find((q) => q.name === scenario.settings.queue?.name);
      if (!queue) throw new Error(`${stack.name}: no queue ${scenario.settings.queue?.name}`);
      const queueBatching = scenario.batching.sqs ?? {
        batchSize: queueMapping.batchSize,
        windowSeconds: queueMapping.batchingWindowSeconds,
      };
      batching.sqs = queueBatching;
      // The queue's own URL in every request; the metered client's explicit endpoint is the proxy.
      let next = 0;
      await pollQueue(
        {
          nextAt: () => batches[next]?.at,
          runNext: async () => {
            await invoke(streamMapping.functionName, { Records: batches[next++].items });
          },
        },
        {
          sqs: meteredSqs,
          queueUrl: queue.url,
          // Sent less received so far: the emulator's ApproximateNumberOfMessages lags behind a send.
          depth: async () => {
            const { sqs } = proxy.meters();
            return sqs.messagesSent - sqs.messagesReceived;
          },
          batching: queueBatching,
          visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
          invoke: async (messages) => {
            await invoke(queueMapping.functionName, {
              Records: messages.map((m) => sqsRecord(m, queue.arn, stack?.region ?? "us-east-1")),
            });
          },
        },
      );
    }

    const meters: Meters = proxy.meters();
    const exact = await summariesMatch(
      admin,
      summaryTable,
      arrivals.map((a) => a.item),
    );
    return rowOf(scenario, workload, options, meters, {
      detailsTable: details.name,
      summaryTable,
      invocations,
      gbSeconds,
      batching,
      exact,
      accountsPerBatch: summaryBatches > 0 ? accountsInBatches / summaryBatches : Number.NaN,
      wallSeconds: (Date.now() - started) / 1000,
    });
  } finally {
    if (stack) {
      await stack.stop();
      for (const table of stack.tables) {
        await admin.send(new DeleteTableCommand({ TableName: table.name })).catch(() => {});
      }
      for (const queue of stack.queues) {
        await adminSqs.send(new DeleteQueueCommand({ QueueUrl: queue.url })).catch(() => {});
      }
    }
    for (const client of [admin, streams, adminSqs, meteredSqs, meteredDynamodb]) client.destroy();
  }
}

function rowOf(
  scenario: CostScenario,
  workload: Workload,
  options: CostOptions,
  meters: Meters,
  run: {
    detailsTable: string;
    summaryTable: string;
    invocations: Record<string, number>;
    gbSeconds: number;
    batching: Record<string, Batching>;
    exact: boolean;
    accountsPerBatch: number;
    wallSeconds: number;
  },
): Omit<CostRow, "lowerBoundWriteUnitsPerOrder"> {
  const n = options.orders;
  const totals = meterTotals(meters);
  const lambdaInvocations = Object.values(run.invocations).reduce((sum, k) => sum + k, 0);
  const byTable: Record<string, number> = {};
  for (const [name, meter] of Object.entries(meters.tables)) {
    const role = name === run.detailsTable ? "details" : name === run.summaryTable ? "summary" : name;
    byTable[role] = round(meter.writeUnits / n);
  }
  const tables = Object.values(meters.tables);
  const summaryBatching = run.batching.sqs ?? run.batching["dynamodb-stream"];
  return {
    stack: scenario.stack,
    workload: workload.name,
    batchSize: summaryBatching.batchSize,
    totalWriteUnitsPerOrder: round(totals.writeUnits / n),
    summaryWriteUnitsPerOrder: round((meters.tables[run.summaryTable]?.writeUnits ?? 0) / n),
    readUnitsPerOrder: round(totals.readUnits / n),
    sqsRequestsPerOrder: round(totals.sqsRequests / n),
    dollarsPerMillionOrders: dollarsPerMillionOrders(
      {
        writeUnits: totals.writeUnits,
        readUnits: totals.readUnits,
        sqsRequests: totals.sqsRequests,
        lambdaInvocations,
        lambdaGbSeconds: run.gbSeconds,
      },
      n,
      options.prices,
    ),
    exact: run.exact,
    ...(scenario.isDefault ? {} : { default: false as const }),
    detail: {
      orders: n,
      ratePerSecond: options.rate,
      batching: run.batching,
      writeUnitsPerOrderByTable: byTable,
      localReportedWriteUnitsPerOrder: round(totals.localWriteUnits / n),
      failedConditionalWrites: tables.reduce((sum, t) => sum + t.failedConditions, 0),
      cancelledTransactions: tables.reduce((sum, t) => sum + t.cancelledTransactions, 0),
      sqsRequestsByAction: meters.sqs.requests,
      emptyReceives: meters.sqs.emptyReceives,
      sqsMessagesSent: meters.sqs.messagesSent,
      sqsMessagesReceived: meters.sqs.messagesReceived,
      lambdaInvocations: run.invocations,
      lambdaGbSecondsPerOrder: Number((run.gbSeconds / n).toPrecision(4)),
      accountsPerBatch: Number.isNaN(run.accountsPerBatch) ? -1 : round(run.accountsPerBatch, 2),
      wallSeconds: round(run.wallSeconds, 1),
    },
  };
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
