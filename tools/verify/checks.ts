import { type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { SQSClient } from "@aws-sdk/client-sqs";
import Big from "big.js";
import { queueDepth } from "../../emulator/queue-depth";
import type { RunningStack } from "../../emulator/stack-runtime";
import { toDecimalText } from "../../functions/domain/decimal";
import { ORDER_FIELDS as F } from "../../functions/domain/fields";
import { OUTPUTS } from "../../stacks/outputs";
import { getSummary } from "../load/api-client";
import { summaryIsExact } from "../load/run-load";
import { peekAll } from "./queue-contents";
import { inSequenceRange, readWholeStream } from "./stream-reader";
import type { WorkloadResult } from "./workload";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckClients {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
}

const output = (stack: RunningStack, name: string) => stack.outputs[name] as string | undefined;

/** Every account's summary, read through the API, equals what the client's accepted writes add up to. */
export async function checkSummariesOverApi(
  stack: RunningStack,
  workload: WorkloadResult,
): Promise<CheckResult> {
  const wrong: string[] = [];
  for (const expected of workload.expected) {
    const actual = await getSummary(stack, expected.accountId);
    if (!summaryIsExact(expected, actual)) {
      wrong.push(
        `${expected.accountId}: expected ${toDecimalText(expected.accountTotal)}/${expected.orderCount}, got ${actual.text}`,
      );
    }
  }
  return {
    name: "summaries over HTTP equal what was sent",
    ok: wrong.length === 0,
    detail: wrong.length === 0 ? `${workload.expected.length} accounts exact` : wrong.join("; "),
  };
}

/** No accepted order is missing or stale in the details table, and every deleted one is gone. */
export async function checkNoLostOrders(
  stack: RunningStack,
  workload: WorkloadResult,
  clients: CheckClients,
): Promise<CheckResult> {
  const table = output(stack, OUTPUTS.detailsTableName) as string;
  const stored = new Map<string, Record<string, { S?: string; N?: string }>>();
  for (const accountid of workload.accounts) {
    let startKey: Record<string, never> | undefined;
    do {
      const page = await clients.dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: `${F.accountId} = :a`,
          ExpressionAttributeValues: { ":a": { S: accountid } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        stored.set(`${item[F.accountId].S}\u0000${item[F.vendorId].S}`, item);
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
  }
  const problems: string[] = [];
  for (const order of workload.surviving) {
    const item = stored.get(`${order.accountid}\u0000${order.vendorid}`);
    if (!item) problems.push(`missing ${order.accountid}/${order.vendorid}`);
    else if (
      !new Big(item[F.unitPrice]?.N ?? "NaN").eq(new Big(String(order.unitprice))) ||
      Number(item[F.quantity]?.N) !== order.quantity
    ) {
      problems.push(`stale ${order.accountid}/${order.vendorid}`);
    }
  }
  for (const key of workload.deletes) {
    if (stored.has(`${key.accountid}\u0000${key.vendorid}`))
      problems.push(`not deleted ${key.accountid}/${key.vendorid}`);
  }
  const extra = stored.size - workload.surviving.length;
  if (extra !== 0) problems.push(`${extra} unexpected items`);
  return {
    name: "no lost orders (details table holds every accepted order, deletes are gone)",
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${workload.surviving.length} orders present`
        : problems.slice(0, 10).join("; "),
  };
}

/**
 * The failure destinations hold exactly the records made unprocessable on purpose: the DLQ (queued)
 * holds those records; the stream's on-failure queue (direct) holds batches whose sequence range
 * covers one of them; nothing else.
 */
export async function checkFailureDestinations(
  stack: RunningStack,
  workload: WorkloadResult,
  clients: CheckClients,
): Promise<CheckResult[]> {
  const poisonAccounts = new Set(workload.poison.map((p) => p.accountid));
  const results: CheckResult[] = [];
  const dlqUrl = output(stack, OUTPUTS.summaryUpdatesDlqUrl);
  const failureUrl = output(stack, OUTPUTS.failureQueueUrl) as string;

  if (dlqUrl) {
    const bodies = await peekAll(clients.sqs, dlqUrl);
    const accounts = bodies.map((body) => {
      const message = JSON.parse(body) as {
        accountId?: string;
        dynamodb?: { Keys?: Record<string, { S?: string }> };
      };
      return message.accountId ?? message.dynamodb?.Keys?.[F.accountId]?.S ?? "(unreadable)";
    });
    const unexpected = accounts.filter((a) => !poisonAccounts.has(a));
    const missing = [...poisonAccounts].filter((a) => !accounts.includes(a));
    results.push({
      name: "DLQ holds only the unprocessable records, all of them",
      ok: unexpected.length === 0 && missing.length === 0,
      detail: `${bodies.length} messages; unexpected: ${unexpected.join(", ") || "none"}; missing: ${missing.join(", ") || "none"}`,
    });
    const forwardingFailures = await queueDepth(clients.sqs, failureUrl);
    results.push({
      name: "forwarding never gave up on a batch",
      ok: forwardingFailures === 0,
      detail: `${forwardingFailures} messages in the forwarder's on-failure queue`,
    });
    return results;
  }

  const streamArn = stack.tables.find((t) => t.name === output(stack, OUTPUTS.detailsTableName))
    ?.streamArn as string;
  const poisonRecords = (await readWholeStream(clients.streams, streamArn)).filter((r) =>
    poisonAccounts.has(r.accountid),
  );
  const failures = (await peekAll(clients.sqs, failureUrl)).map(
    (body) =>
      (JSON.parse(body) as { DDBStreamBatchInfo: { startSequenceNumber: string; endSequenceNumber: string } })
        .DDBStreamBatchInfo,
  );
  const unexplained = failures.filter(
    (batch) =>
      !poisonRecords.some((r) =>
        inSequenceRange(r.sequenceNumber, batch.startSequenceNumber, batch.endSequenceNumber),
      ),
  );
  const uncovered = poisonRecords.filter(
    (r) =>
      !failures.some((batch) =>
        inSequenceRange(r.sequenceNumber, batch.startSequenceNumber, batch.endSequenceNumber),
      ),
  );
  results.push({
    name: "on-failure queue holds only batches of unprocessable records, all of them",
    ok: unexplained.length === 0 && uncovered.length === 0 && poisonRecords.length === workload.poison.length,
    detail: `${failures.length} failed batches; ${unexplained.length} without an unprocessable record; ${uncovered.length} of ${poisonRecords.length} unprocessable records not covered`,
  });
  return results;
}

/**
 * The hot accounts' marks outgrew their summary items and spilled to the ledger, so the verification
 * exercised the spill and, under redeliveries, the late path, not only the common one.
 */
export async function checkHotAccountsSpilled(
  stack: RunningStack,
  workload: WorkloadResult,
  clients: CheckClients,
  hotAccounts: number,
): Promise<CheckResult> {
  const ledgerTable = output(stack, OUTPUTS.ledgerTableName) as string;
  const rangesPerAccount = await Promise.all(
    workload.accounts.slice(0, hotAccounts).map(async (accountid) => {
      const { Count = 0 } = await clients.dynamodb.send(
        new QueryCommand({
          TableName: ledgerTable,
          KeyConditionExpression: `${F.accountId} = :a`,
          ExpressionAttributeValues: { ":a": { S: accountid } },
          Select: "COUNT",
          ConsistentRead: true,
        }),
      );
      return Count;
    }),
  );
  return {
    name: "hot accounts spilled marks to the ledger",
    ok: rangesPerAccount.some((count) => count > 0),
    detail: `ledger range items per hot account: ${rangesPerAccount.join(", ")}`,
  };
}
