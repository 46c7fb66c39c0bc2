import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Decimal } from "../../../functions/domain/decimal";
import type { SummaryDelta } from "../../../functions/domain/types";
import { applyDeltas } from "../../../functions/summary/apply-deltas";
import { LEDGER_TTL_SECONDS } from "../../../functions/summary/ledger";
import type { SummaryTables } from "../../../functions/summary/types";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../local/dynamodb-local";
import { findFreePort } from "../../../local/free-port";
import { localClientConfig } from "../../../local/local-credentials";
import { type RecordedCommand, recordCommands, transactionsOf } from "../support/command-recorder";
import {
  createSummaryTables,
  readLedger,
  readSummary,
  seedUnwritableSummary,
} from "../support/summary-tables";

const delta = (eventId: string, accountId: string, amount: string, orderCount = 1): SummaryDelta => ({
  eventId,
  accountId,
  amount: Decimal(amount),
  orderCount,
});

describe("applyDeltas on DynamoDB Local", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let raw: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let recorded: RecordedCommand[];
  let tables: SummaryTables;

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    raw = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
    recorded = recordCommands(raw);
    documents = DynamoDBDocumentClient.from(raw);
  });
  afterAll(async () => {
    raw?.destroy();
    await dynamoDbLocal?.stop();
  });
  beforeEach(async () => {
    tables = await createSummaryTables(raw);
    recorded.length = 0;
  });

  const batch = [
    delta("e1", "acct-1", "0.1"),
    delta("e2", "acct-2", "7"),
    delta("e3", "acct-1", "0.1"),
    delta("e4", "acct-1", "0.1"),
    delta("e5", "acct-2", "-2.5", 0),
    delta("e6", "acct-3", "-4.2", -1),
  ];

  it("writes one transaction per account per batch, with exact sums", async () => {
    const result = await applyDeltas(documents, tables, batch);

    expect(result.failedEventIds).toEqual([]);
    expect([...result.appliedEventIds].sort()).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
    const transactions = transactionsOf(recorded);
    expect(transactions.map((transaction) => transaction.updatedAccounts).sort()).toEqual([
      ["acct-1"],
      ["acct-2"],
      ["acct-3"],
    ]);
    expect(transactions.flatMap((transaction) => transaction.ledgerIds).sort()).toEqual([
      "e1",
      "e2",
      "e3",
      "e4",
      "e5",
      "e6",
    ]);
    expect(recorded.filter((command) => command.commandName !== "TransactWriteItemsCommand")).toEqual([]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "0.3", order_count: "3" });
    expect(await readSummary(raw, tables, "acct-2")).toEqual({ account_total: "4.5", order_count: "1" });
    expect(await readSummary(raw, tables, "acct-3")).toEqual({ account_total: "-4.2", order_count: "-1" });
  });

  it("leaves the summary unchanged when the same batch is applied again", async () => {
    await applyDeltas(documents, tables, batch);
    const before = await Promise.all(
      ["acct-1", "acct-2", "acct-3"].map((id) => readSummary(raw, tables, id)),
    );

    const again = await applyDeltas(documents, tables, batch);

    expect(again.failedEventIds).toEqual([]);
    expect(again.appliedEventIds).toEqual([]);
    expect([...again.alreadyAppliedEventIds].sort()).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
    expect(
      await Promise.all(["acct-1", "acct-2", "acct-3"].map((id) => readSummary(raw, tables, id))),
    ).toEqual(before);
    expect(await readLedger(raw, tables)).toHaveLength(6);
  });

  it("after a crash that followed the write, a redelivery with further records applies only the new ones", async () => {
    await applyDeltas(documents, tables, [delta("e1", "acct-1", "1.25"), delta("e2", "acct-1", "2")]);

    const redelivery = await applyDeltas(documents, tables, [
      delta("e1", "acct-1", "1.25"),
      delta("e2", "acct-1", "2"),
      delta("e3", "acct-1", "0.05"),
    ]);

    expect(redelivery).toMatchObject({
      appliedEventIds: ["e3"],
      alreadyAppliedEventIds: ["e1", "e2"],
      failedEventIds: [],
    });
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "3.3", order_count: "3" });
  });

  it("adds 0.1 and 0.2 from separate batches to exactly 0.3", async () => {
    await applyDeltas(documents, tables, [delta("e1", "acct-1", "0.1")]);
    await applyDeltas(documents, tables, [delta("e2", "acct-1", "0.2")]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "0.3", order_count: "2" });
  });

  it("writes a duplicated eventID once", async () => {
    const result = await applyDeltas(documents, tables, [
      delta("e1", "acct-1", "5"),
      delta("e1", "acct-1", "5"),
    ]);
    expect(result.failedEventIds).toEqual([]);
    expect(transactionsOf(recorded)).toEqual([{ updatedAccounts: ["acct-1"], ledgerIds: ["e1"] }]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "5", order_count: "1" });
  });

  it("reports exactly the records of an account whose write fails and still writes the other accounts", async () => {
    await seedUnwritableSummary(raw, tables, "acct-broken");

    const result = await applyDeltas(documents, tables, [
      delta("e1", "acct-broken", "1"),
      delta("e2", "acct-ok", "2"),
      delta("e3", "acct-broken", "3"),
    ]);

    expect(result.failedEventIds).toEqual(["e1", "e3"]);
    expect(result.failures).toEqual([
      expect.objectContaining({
        accountId: "acct-broken",
        reason: expect.stringContaining("ValidationException"),
      }),
    ]);
    expect(result.appliedEventIds).toEqual(["e2"]);
    expect((await readLedger(raw, tables)).map((entry) => entry.id)).toEqual(["e2"]);
    expect(await readSummary(raw, tables, "acct-ok")).toEqual({ account_total: "2", order_count: "1" });
  });

  it("records every applied eventID in the ledger with its account and a 15-day expiry", async () => {
    const now = new Date("2025-03-01T12:00:00.500Z");
    await applyDeltas(documents, tables, batch.slice(0, 2), { now: () => now });
    const expiresAt = Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS;
    expect(await readLedger(raw, tables)).toEqual([
      { id: "e1", accountid: "acct-1", expires_at: expiresAt },
      { id: "e2", accountid: "acct-2", expires_at: expiresAt },
    ]);
  });

  it("splits an account with more than 99 records into transactions of at most 99", async () => {
    const many = Array.from({ length: 150 }, (_, index) => delta(`e${index}`, "acct-1", "0.01"));
    const result = await applyDeltas(documents, tables, many);
    expect(result.failedEventIds).toEqual([]);
    expect(transactionsOf(recorded).map((transaction) => transaction.ledgerIds.length)).toEqual([99, 51]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "1.5", order_count: "150" });
  });

  describe("throttling within the invocation's deadline", () => {
    const throttledFirst = (client: DynamoDBClient, times: number) => {
      let remaining = times;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "TransactWriteItemsCommand" && remaining > 0) {
            remaining -= 1;
            throw Object.assign(new Error("The level of configured provisioned throughput was exceeded"), {
              name: "ProvisionedThroughputExceededException",
              $fault: "client",
              $metadata: { httpStatusCode: 400 },
            });
          }
          return next(args);
        },
        { step: "build", name: "throttleForTests" },
      );
    };

    it("keeps retrying beyond maxAttempts until retryUntil, then applies once", async () => {
      const client = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
      throttledFirst(client, 5);
      const pauses: number[] = [];
      try {
        const result = await applyDeltas(
          DynamoDBDocumentClient.from(client),
          tables,
          [delta("t1", "acct-9", "2.5")],
          {
            retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, retryUntil: Date.now() + 60_000 },
            sleep: async (milliseconds) => {
              pauses.push(milliseconds);
            },
          },
        );
        expect(result.appliedEventIds).toEqual(["t1"]);
        expect(pauses).toHaveLength(5);
        expect(await readSummary(raw, tables, "acct-9")).toEqual({ account_total: "2.5", order_count: "1" });
      } finally {
        client.destroy();
      }
    });

    it("reports the records once the deadline has passed", async () => {
      const client = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
      throttledFirst(client, 5);
      try {
        const result = await applyDeltas(
          DynamoDBDocumentClient.from(client),
          tables,
          [delta("t2", "acct-9", "1")],
          {
            retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, retryUntil: Date.now() - 1 },
            sleep: async () => {},
          },
        );
        expect(result.failedEventIds).toEqual(["t2"]);
        expect(await readSummary(raw, tables, "acct-9")).toBeUndefined();
      } finally {
        client.destroy();
      }
    });
  });

  it("retries a transient failure a bounded number of times, then reports every record of the account", async () => {
    const unreachable = new DynamoDBClient({
      ...localClientConfig(`http://127.0.0.1:${await findFreePort()}`),
      maxAttempts: 1,
    });
    const pauses: number[] = [];
    try {
      const result = await applyDeltas(
        DynamoDBDocumentClient.from(unreachable),
        tables,
        [delta("e1", "acct-1", "1"), delta("e2", "acct-1", "2"), delta("e3", "acct-2", "3")],
        {
          retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
          sleep: async (milliseconds) => {
            pauses.push(milliseconds);
          },
        },
      );
      expect(result.failedEventIds.sort()).toEqual(["e1", "e2", "e3"]);
      expect(result.appliedEventIds).toEqual([]);
      expect(pauses).toHaveLength(4);
      expect(pauses.every((pause) => pause >= 0 && pause < 20)).toBe(true);
    } finally {
      unreachable.destroy();
    }
  });
});
