import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { type Decimal, toDecimalText } from "../../../functions/domain/decimal";
import { type ReconcileStep, type ReconcileTarget, reconcile } from "../../../tools/reconcile";
import { createReconcileTables, putOrder, putSummary, readSummary } from "./reconcile-tables";

let dynamoDb: DynamoDbLocal;
let sqsLocal: SqsLocal;
let clients: DynamoDbLocalClients;
let sqs: SQSClient;

beforeAll(async () => {
  [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  clients = createDynamoDbLocalClients(dynamoDb.endpoint);
  sqs = createSqsLocalClient(sqsLocal.endpoint);
});

afterAll(async () => {
  clients?.destroy();
  sqs?.destroy();
  await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
});

/** acct-a: 4.10 × 3 + 2.5 × 2 = 17.3 over 2 orders; acct-b: 1.00 × 1 = 1 over 1 order. */
async function consistentTables(): Promise<ReconcileTarget> {
  const target = await createReconcileTables(clients.dynamoDb);
  await putOrder(target, "acct-a", "order-1", "4.10", "3");
  await putOrder(target, "acct-a", "order-2", "2.5", "2");
  await putOrder(target, "acct-b", "order-1", "1.00", "1");
  await putSummary(target, "acct-a", "17.30", "2");
  await putSummary(target, "acct-b", "1", "1");
  return target;
}

/** What a projection transaction does to a summary item. */
async function projectionAdds(target: ReconcileTarget, accountId: string, amount: string, count: string) {
  await target.dynamodb.send(
    new UpdateItemCommand({
      TableName: target.summaryTable,
      Key: { accountid: { S: accountId } },
      UpdateExpression: "ADD account_total :amount, order_count :count",
      ExpressionAttributeValues: { ":amount": { N: amount }, ":count": { N: count } },
    }),
  );
}

const text = (value: Decimal | null | undefined) => (value ? toDecimalText(value) : value);

describe("reconcile (report)", () => {
  it("finds no drift when the summary equals the details exactly (trailing zeros, 0/0 leftovers)", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-emptied", "0.00", "0");

    const report = await reconcile(target);

    expect(report.drifts).toEqual([]);
    expect(report.remainingDrifts).toEqual([]);
    expect(report).toMatchObject({ accounts: 3, detailsItems: 3, unprojectable: [] });
    expect(report.fix).toBeUndefined();
  });

  it("reports an altered summary with the exact decimal and count differences", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-a", "17.31", "3");

    const { drifts } = await reconcile(target);

    expect(drifts).toHaveLength(1);
    const [drift] = drifts;
    expect(drift).toMatchObject({ accountId: "acct-a", onlyInSummary: false, countDifference: 1 });
    expect(text(drift.totalDifference)).toBe("0.01");
    expect(text(drift.expected.accountTotal)).toBe("17.3");
    expect(drift.expected.orderCount).toBe(2);
    expect(text(drift.actual?.accountTotal)).toBe("17.31");
  });

  it("reports a missing summary item as a negative drift and a summary-only account against 0/0", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-ghost", "5", "1");
    await putOrder(target, "acct-new", "order-1", "0.1", "3");

    const { drifts, accounts } = await reconcile(target);

    expect(accounts).toBe(4);
    expect(drifts.map((drift) => drift.accountId)).toEqual(["acct-ghost", "acct-new"]);
    const [ghost, fresh] = drifts;
    expect(ghost).toMatchObject({ onlyInSummary: true, countDifference: 1, expected: { orderCount: 0 } });
    expect(text(ghost.expected.accountTotal)).toBe("0");
    expect(text(ghost.totalDifference)).toBe("5");
    expect(fresh).toMatchObject({ actual: null, onlyInSummary: false, countDifference: -1 });
    expect(text(fresh.totalDifference)).toBe("-0.3");
  });

  it("reports unprojectable details items separately and leaves them out of the expected figures", async () => {
    const target = await consistentTables();
    await putOrder(target, "acct-a", "bad-price", { S: "abc" }, "1");
    await putOrder(target, "acct-a", "no-quantity", "3.00", null);
    await putOrder(target, "acct-c", "half-cup", "2", "1.5");

    const report = await reconcile(target);

    expect(report.drifts).toEqual([]);
    expect(report.detailsItems).toBe(6);
    expect(report.unprojectable).toEqual([
      expect.objectContaining({
        accountId: "acct-a",
        vendorId: "bad-price",
        reason: expect.stringMatching(/unitprice/),
      }),
      expect.objectContaining({
        accountId: "acct-a",
        vendorId: "no-quantity",
        reason: expect.stringMatching(/quantity/),
      }),
      expect.objectContaining({
        accountId: "acct-c",
        vendorId: "half-cup",
        reason: expect.stringMatching(/integer/),
      }),
    ]);
  });

  it("treats a summary item whose figures are not numbers as drift without a difference", async () => {
    const target = await consistentTables();
    await target.dynamodb.send(
      new UpdateItemCommand({
        TableName: target.summaryTable,
        Key: { accountid: { S: "acct-b" } },
        UpdateExpression: "SET account_total = :text",
        ExpressionAttributeValues: { ":text": { S: "1" } },
      }),
    );

    const { drifts } = await reconcile(target);

    expect(drifts).toEqual([
      expect.objectContaining({
        accountId: "acct-b",
        actual: null,
        totalDifference: null,
        countDifference: null,
      }),
    ]);
    expect(drifts[0].unreadableActual).toMatch(/account_total/);
  });
});

describe("reconcile --fix", () => {
  it("rewrites drifting summaries after the settle window, creating and zeroing items as needed", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-a", "17.31", "3");
    await putSummary(target, "acct-ghost", "5", "1");
    await putOrder(target, "acct-new", "order-1", "0.1", "3");
    const steps: ReconcileStep[] = [];
    const started = Date.now();

    const report = await reconcile(target, {
      fix: true,
      settleSeconds: 0.3,
      onStep: (step) => void steps.push(step),
    });

    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(steps.map((step) => step.kind)).toEqual([
      "observed",
      "settling",
      "observed",
      "rewriting",
      "rewriting",
      "rewriting",
    ]);
    expect(report.fix?.rewritten.map((drift) => drift.accountId)).toEqual([
      "acct-a",
      "acct-ghost",
      "acct-new",
    ]);
    expect(report.fix?.skipped).toEqual([]);
    expect(report.remainingDrifts).toEqual([]);
    expect(await readSummary(target, "acct-a")).toEqual({ total: "17.3", count: "2" });
    expect(await readSummary(target, "acct-ghost")).toEqual({ total: "0", count: "0" });
    expect(await readSummary(target, "acct-new")).toEqual({ total: "0.3", count: "1" });
    expect((await reconcile(target)).drifts).toEqual([]);
  });

  it("skips an account the projection changes during the settle window", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-a", "17.31", "3");
    await putSummary(target, "acct-b", "2", "1");

    const report = await reconcile(target, {
      fix: true,
      settleSeconds: 0.1,
      onStep: async (step) => {
        if (step.kind === "settling") await projectionAdds(target, "acct-a", "-0.01", "-1");
      },
    });

    // acct-a settled by itself (no drift in the second observation); acct-b was fixed.
    expect(report.fix?.rewritten.map((drift) => drift.accountId)).toEqual(["acct-b"]);
    expect(report.remainingDrifts).toEqual([]);

    const moving = await consistentTables();
    await putSummary(moving, "acct-a", "17.31", "3");
    const again = await reconcile(moving, {
      fix: true,
      settleSeconds: 0.1,
      onStep: async (step) => {
        if (step.kind === "settling") await projectionAdds(moving, "acct-a", "1", "1");
      },
    });
    expect(again.fix?.rewritten).toEqual([]);
    expect(again.fix?.skipped).toEqual([
      { drift: expect.objectContaining({ accountId: "acct-a" }), reason: "changed-during-settle" },
    ]);
    expect(again.remainingDrifts.map((drift) => drift.accountId)).toEqual(["acct-a"]);
    expect(await readSummary(moving, "acct-a")).toEqual({ total: "18.31", count: "4" });
  });

  it("skips, without overwriting, an account written between its reading and its rewrite", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-a", "17.31", "3");
    await putSummary(target, "acct-b", "2", "1");
    await putOrder(target, "acct-new", "order-1", "0.1", "3");

    const report = await reconcile(target, {
      fix: true,
      settleSeconds: 0,
      onStep: async (step) => {
        if (step.kind === "rewriting" && step.accountId === "acct-a") {
          await projectionAdds(target, "acct-a", "4.10", "1");
        }
        if (step.kind === "rewriting" && step.accountId === "acct-new") {
          await projectionAdds(target, "acct-new", "0.3", "1");
        }
      },
    });

    expect(report.fix?.skipped).toEqual([
      { drift: expect.objectContaining({ accountId: "acct-a" }), reason: "changed-before-write" },
      { drift: expect.objectContaining({ accountId: "acct-new" }), reason: "changed-before-write" },
    ]);
    expect(report.fix?.rewritten.map((drift) => drift.accountId)).toEqual(["acct-b"]);
    expect(report.remainingDrifts.map((drift) => drift.accountId)).toEqual(["acct-a", "acct-new"]);
    expect(await readSummary(target, "acct-a")).toEqual({ total: "21.41", count: "4" });
    expect(await readSummary(target, "acct-new")).toEqual({ total: "0.3", count: "1" });
    expect(await readSummary(target, "acct-b")).toEqual({ total: "1", count: "1" });
  });

  it("refuses while a failure or dead-letter queue holds messages, unless told to ignore them", async () => {
    const target = await consistentTables();
    await putSummary(target, "acct-a", "17.31", "3");
    const { QueueUrl: empty } = await sqs.send(new CreateQueueCommand({ QueueName: `empty-${Date.now()}` }));
    const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${Date.now()}` }));
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: "{}" }));
    const queues = { sqs, queueUrls: [empty as string, dlq as string] };

    const refused = await reconcile(target, { fix: true, settleSeconds: 0, queues });

    expect(refused.queues).toEqual([
      { queueUrl: empty, messages: 0 },
      { queueUrl: dlq, messages: 1 },
    ]);
    expect(refused.fix?.rewritten).toEqual([]);
    expect(refused.fix?.refused).toContain(`1 in ${dlq}`);
    expect(refused.fix?.refused).toMatch(/count a second time/);
    expect(refused.fix?.refused).toContain("--ignore-queues");
    expect(refused.remainingDrifts).toHaveLength(1);
    expect(await readSummary(target, "acct-a")).toEqual({ total: "17.31", count: "3" });

    const forced = await reconcile(target, { fix: true, settleSeconds: 0, queues, ignoreQueues: true });
    expect(forced.fix?.refused).toBeUndefined();
    expect(forced.fix?.rewritten.map((drift) => drift.accountId)).toEqual(["acct-a"]);
    expect(await readSummary(target, "acct-a")).toEqual({ total: "17.3", count: "2" });
  });
});
