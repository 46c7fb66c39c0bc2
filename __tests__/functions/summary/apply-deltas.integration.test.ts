import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { findFreePort } from "../../../emulator/free-port";
import { localClientConfig } from "../../../emulator/local-credentials";
import { Decimal } from "../../../functions/domain/decimal";
import type { SummaryDelta } from "../../../functions/domain/types";
import { AccountStateCache } from "../../../functions/summary/account-state-cache";
import { applyDeltas } from "../../../functions/summary/apply-deltas";
import { LEDGER_TTL_SECONDS } from "../../../functions/summary/ledger";
import type { SummaryTables, SummaryWriterOptions } from "../../../functions/summary/types";
import { WriteBudget } from "../../../functions/summary/write-budget";
import {
  type RecordedCommand,
  recordCommands,
  updatedAccountsOf,
  writesOf,
} from "../support/command-recorder";
import {
  createSummaryTables,
  expectMarksInvariant,
  readLedger,
  readMarks,
  readSummary,
  seedUnwritableSummary,
  summaryItemBytes,
} from "../support/summary-tables";

const T0 = 1_760_000_000;

const delta = (
  eventId: string,
  accountId: string,
  amount: string,
  orderCount = 1,
  createdAt = T0,
): SummaryDelta => ({
  eventId,
  createdAt,
  accountId,
  amount: Decimal(amount),
  orderCount,
});

/** An AWS-like stream eventID: 32 hex characters. */
const awsEventId = (index: number) => index.toString(16).padStart(32, "0");

describe("applyDeltas on DynamoDB Local", () => {
  let dynamoDbLocal: DynamoDbLocal;
  let raw: DynamoDBClient;
  let recorded: RecordedCommand[];
  let tables: SummaryTables;
  /** A fresh cache per test, as a fresh Lambda execution environment would have. */
  let options: SummaryWriterOptions;

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    raw = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
    recorded = recordCommands(raw);
  });
  afterAll(async () => {
    raw?.destroy();
    await dynamoDbLocal?.stop();
  });
  beforeEach(async () => {
    tables = await createSummaryTables(raw);
    recorded.length = 0;
    options = { cache: new AccountStateCache() };
  });

  const batch = [
    delta("e1", "acct-1", "0.1"),
    delta("e2", "acct-2", "7"),
    delta("e3", "acct-1", "0.1"),
    delta("e4", "acct-1", "0.1", 1, T0 + 1),
    delta("e5", "acct-2", "-2.5", 0),
    delta("e6", "acct-3", "-4.2", -1),
  ];

  it("writes one conditional UpdateItem per account per batch, no transaction, exact sums and marks", async () => {
    const result = await applyDeltas(raw, tables, batch, options);

    expect(result.failedEventIds).toEqual([]);
    expect([...result.appliedEventIds].sort()).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
    const writes = writesOf(recorded, tables);
    expect(updatedAccountsOf(writes.summaryUpdates).sort()).toEqual(["acct-1", "acct-2", "acct-3"]);
    expect(writes.ledgerUpdates).toEqual([]);
    expect(writes.transactions).toEqual([]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "0.3", order_count: "3" });
    expect(await readSummary(raw, tables, "acct-2")).toEqual({ account_total: "4.5", order_count: "1" });
    expect(await readSummary(raw, tables, "acct-3")).toEqual({ account_total: "-4.2", order_count: "-1" });
    const marks = await readMarks(raw, tables, "acct-1");
    expect(marks.buckets).toEqual(
      new Map([
        [T0, ["e1", "e3"]],
        [T0 + 1, ["e4"]],
      ]),
    );
    expect(marks.spilledThrough).toBe(0);
  });

  it("leaves the summary unchanged when the same batch is applied again by a writer that knows nothing", async () => {
    await applyDeltas(raw, tables, batch, options);
    const before = await Promise.all(
      ["acct-1", "acct-2", "acct-3"].map((id) => readSummary(raw, tables, id)),
    );
    recorded.length = 0;

    const again = await applyDeltas(raw, tables, batch, { cache: new AccountStateCache() });

    expect(again.failedEventIds).toEqual([]);
    expect(again.appliedEventIds).toEqual([]);
    expect([...again.alreadyAppliedEventIds].sort()).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
    expect(
      await Promise.all(["acct-1", "acct-2", "acct-3"].map((id) => readSummary(raw, tables, id))),
    ).toEqual(before);
    // One failed conditional write per account tells the writer everything (ALL_OLD).
    expect(writesOf(recorded, tables).summaryUpdates).toHaveLength(3);
  });

  it("drops a redelivered batch without writing when this environment wrote it", async () => {
    await applyDeltas(raw, tables, batch, options);
    recorded.length = 0;
    const again = await applyDeltas(raw, tables, batch, options);
    expect(again.appliedEventIds).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it("after a crash that followed the write, a redelivery with further records applies only the new ones", async () => {
    await applyDeltas(raw, tables, [delta("e1", "acct-1", "1.25"), delta("e2", "acct-1", "2")], options);

    const redelivery = await applyDeltas(
      raw,
      tables,
      [delta("e1", "acct-1", "1.25"), delta("e2", "acct-1", "2"), delta("e3", "acct-1", "0.05")],
      { cache: new AccountStateCache() },
    );

    expect(redelivery).toMatchObject({
      appliedEventIds: ["e3"],
      alreadyAppliedEventIds: ["e1", "e2"],
      failedEventIds: [],
    });
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "3.3", order_count: "3" });
  });

  it("adds 0.1 and 0.2 from separate batches to exactly 0.3", async () => {
    await applyDeltas(raw, tables, [delta("e1", "acct-1", "0.1")], options);
    await applyDeltas(raw, tables, [delta("e2", "acct-1", "0.2")], options);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "0.3", order_count: "2" });
  });

  it("writes a duplicated eventID once", async () => {
    const result = await applyDeltas(
      raw,
      tables,
      [delta("e1", "acct-1", "5"), delta("e1", "acct-1", "5")],
      options,
    );
    expect(result.failedEventIds).toEqual([]);
    expect(writesOf(recorded, tables).summaryUpdates).toHaveLength(1);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "5", order_count: "1" });
  });

  it("reports exactly the records of an account whose write fails and still writes the other accounts", async () => {
    await seedUnwritableSummary(raw, tables, "acct-broken");

    const result = await applyDeltas(
      raw,
      tables,
      [delta("e1", "acct-broken", "1"), delta("e2", "acct-ok", "2"), delta("e3", "acct-broken", "3")],
      options,
    );

    expect(result.failedEventIds).toEqual(["e1", "e3"]);
    expect(result.failures).toEqual([
      expect.objectContaining({
        accountId: "acct-broken",
        reason: expect.stringContaining("ValidationException"),
      }),
    ]);
    expect(result.appliedEventIds).toEqual(["e2"]);
    expect(await readSummary(raw, tables, "acct-ok")).toEqual({ account_total: "2", order_count: "1" });
  });

  it("splits an account with more than 100 records into writes of at most 100", async () => {
    const many = Array.from({ length: 150 }, (_, index) => delta(awsEventId(index), "acct-1", "0.01"));
    const result = await applyDeltas(raw, tables, many, options);
    expect(result.failures.map((f) => f.reason)).toEqual([]);
    const counts = writesOf(recorded, tables).summaryUpdates.map(
      (command) =>
        ((command.input as { ConditionExpression: string }).ConditionExpression.match(/contains/g) ?? [])
          .length,
    );
    expect(counts).toEqual([100, 50]);
    expect(await readSummary(raw, tables, "acct-1")).toEqual({ account_total: "1.5", order_count: "150" });
  });

  describe("spills, late records and redrives on one account", () => {
    /** One small batch per second: the item would grow for ever without spills. */
    const secondly = (seconds: number, perSecond: number, from = 0) =>
      Array.from({ length: seconds }, (_, second) =>
        Array.from({ length: perSecond }, (_, index) =>
          delta(awsEventId(1000 * (from + second) + index), "acct-hot", "1.5", 1, T0 + from + second),
        ),
      );

    it("keeps the summary item under 1 KB by spilling old seconds into ledger ranges, invariant intact", async () => {
      const batches = secondly(60, 2);
      let largest = 0;
      for (const records of batches) {
        expect((await applyDeltas(raw, tables, records, options)).failedEventIds).toEqual([]);
        largest = Math.max(largest, await summaryItemBytes(raw, tables, "acct-hot"));
      }
      expect(largest).toBeLessThan(1024);
      const marks = await readMarks(raw, tables, "acct-hot");
      expect(marks.spilledThrough).toBeGreaterThan(T0);
      expect(marks.ranges.length).toBeGreaterThan(1);
      expect(marks.ranges[0].spilledAfter).toBe(0);
      await expectMarksInvariant(raw, tables, "acct-hot", batches.flat());
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "180",
        order_count: "120",
      });
      expect(writesOf(recorded, tables).transactions).toEqual([]);
    });

    it("applies a late record (below the watermark) once, through its range item, and drops its redelivery", async () => {
      const batches = secondly(40, 2);
      for (const records of batches) await applyDeltas(raw, tables, records, options);
      const { spilledThrough } = await readMarks(raw, tables, "acct-hot");
      const late = delta("late-1", "acct-hot", "0.25", 1, T0 + 3);
      expect(T0 + 3).toBeLessThanOrEqual(spilledThrough);
      recorded.length = 0;

      expect(await applyDeltas(raw, tables, [late], options)).toMatchObject({ appliedEventIds: ["late-1"] });
      expect(writesOf(recorded, tables).transactions).toHaveLength(1);
      const again = await applyDeltas(raw, tables, [late], { cache: new AccountStateCache() });
      expect(again).toMatchObject({
        appliedEventIds: [],
        alreadyAppliedEventIds: ["late-1"],
        failedEventIds: [],
      });

      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "120.25",
        order_count: "81",
      });
      await expectMarksInvariant(raw, tables, "acct-hot", [...batches.flat(), late]);
    });

    it("drops a redelivery of late records found in their range items without a write or any write budget", async () => {
      const batches = secondly(40, 2);
      for (const records of batches) await applyDeltas(raw, tables, records, options);
      const late = Array.from({ length: 30 }, (_, index) =>
        delta(`late-${index}`, "acct-hot", "0.5", 1, T0 + 1 + (index % 20)),
      );
      expect(await applyDeltas(raw, tables, late, options)).toMatchObject({ failedEventIds: [] });
      recorded.length = 0;

      // An environment that knows nothing, with a budget that pays for the one summary write whose failed
      // condition teaches it the watermark, and not for one late transaction after it.
      const budget = new WriteBudget(3);
      const again = await applyDeltas(raw, tables, late, {
        cache: new AccountStateCache(),
        budget,
        retry: { retryUntil: Date.now() + 200 },
      });

      expect(again.failedEventIds).toEqual([]);
      expect(again.alreadyAppliedEventIds).toHaveLength(late.length);
      const writes = writesOf(recorded, tables);
      expect(writes.transactions).toEqual([]);
      expect(writes.summaryUpdates).toHaveLength(1); // its failed condition returned the watermark
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "135",
        order_count: "110",
      });
      await expectMarksInvariant(raw, tables, "acct-hot", [...batches.flat(), ...late]);
    });

    it("drops a DLQ redrive of records applied many spills ago and applies the one that never was", async () => {
      const batches = secondly(80, 2);
      for (const records of batches) await applyDeltas(raw, tables, records, options);
      const neverApplied = delta("redriven-new", "acct-hot", "10", 1, T0 + 1);
      const redrive = [...batches[0], ...batches[1], ...batches[50], neverApplied];

      const result = await applyDeltas(raw, tables, redrive, { cache: new AccountStateCache() });

      expect(result.failedEventIds).toEqual([]);
      expect(result.appliedEventIds).toEqual(["redriven-new"]);
      expect(result.alreadyAppliedEventIds).toHaveLength(6);
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "250",
        order_count: "161",
      });
      await expectMarksInvariant(raw, tables, "acct-hot", [...batches.flat(), neverApplied]);
    });

    it("a spill planned on a stale state loses its condition, re-plans, and strands no mark", async () => {
      const writerA = new AccountStateCache();
      const writerB = new AccountStateCache();
      const batches = secondly(30, 2);
      // A learns the item early; B then writes many seconds, so A's next spill is planned on an old version.
      for (const records of batches.slice(0, 14)) await applyDeltas(raw, tables, records, { cache: writerA });
      for (const records of batches.slice(14, 29))
        await applyDeltas(raw, tables, records, { cache: writerB });
      recorded.length = 0;

      const result = await applyDeltas(raw, tables, batches[29], { cache: writerA });

      expect(result.failedEventIds).toEqual([]);
      expect(result.appliedEventIds).toHaveLength(2);
      await expectMarksInvariant(raw, tables, "acct-hot", batches.flat());
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({ account_total: "90", order_count: "60" });
    });

    it("concurrent invocations on one hot account with overlapping records apply each record once", async () => {
      const records = secondly(40, 3).flat();
      const invocations = Array.from({ length: 6 }, (_, invocation) =>
        records.filter((_, index) => index % 6 === invocation || index % 5 === invocation),
      );
      // Each invocation sends its records second by second, as consecutive batches of one environment.
      const results = await Promise.all(
        invocations.map(async (subset) => {
          const cache = new AccountStateCache();
          const failed: string[] = [];
          for (let second = 0; second < 40; second++) {
            const slice = subset.filter((record) => record.createdAt === T0 + second);
            failed.push(...(await applyDeltas(raw, tables, slice, { cache })).failedEventIds);
          }
          return failed;
        }),
      );
      expect(results.flat()).toEqual([]);
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "180",
        order_count: "120",
      });
      await expectMarksInvariant(raw, tables, "acct-hot", records);
    });

    it("hot and cold accounts in the same batches: cold accounts never touch the ledger", async () => {
      const all: SummaryDelta[] = [];
      for (let second = 0; second < 30; second++) {
        const records = [
          ...Array.from({ length: 20 }, (_, index) =>
            delta(awsEventId(100 * second + index), "acct-hot", "1", 1, T0 + second),
          ),
          delta(awsEventId(100 * second + 50), `acct-cold-${second % 10}`, "2", 1, T0 + second),
        ];
        all.push(...records);
        expect((await applyDeltas(raw, tables, records, options)).failedEventIds).toEqual([]);
      }
      const ledger = await readLedger(raw, tables);
      expect(ledger.every((range) => range.accountid === "acct-hot")).toBe(true);
      expect(await readSummary(raw, tables, "acct-hot")).toEqual({
        account_total: "600",
        order_count: "600",
      });
      expect(await readSummary(raw, tables, "acct-cold-3")).toEqual({ account_total: "6", order_count: "3" });
      await expectMarksInvariant(
        raw,
        tables,
        "acct-hot",
        all.filter((record) => record.accountId === "acct-hot"),
      );
    });

    it("stamps every ledger range with a 15-day expiry from the write", async () => {
      const now = new Date("2025-03-01T12:00:00.500Z");
      for (const records of secondly(40, 2))
        await applyDeltas(raw, tables, records, { ...options, now: () => now });
      const ledger = await readLedger(raw, tables);
      expect(ledger.length).toBeGreaterThan(0);
      expect(new Set(ledger.map((range) => range.expires_at))).toEqual(
        new Set([Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS]),
      );
    });
  });

  describe("throttling within the invocation's deadline", () => {
    const throttledFirst = (client: DynamoDBClient, times: number) => {
      let remaining = times;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "UpdateItemCommand" && remaining > 0) {
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
        const result = await applyDeltas(client, tables, [delta("t1", "acct-9", "2.5")], {
          ...options,
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, retryUntil: Date.now() + 60_000 },
          sleep: async (milliseconds) => {
            pauses.push(milliseconds);
          },
        });
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
        const result = await applyDeltas(client, tables, [delta("t2", "acct-9", "1")], {
          ...options,
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, retryUntil: Date.now() - 1 },
          sleep: async () => {},
        });
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
        unreachable,
        tables,
        [delta("e1", "acct-1", "1"), delta("e2", "acct-1", "2"), delta("e3", "acct-2", "3")],
        {
          ...options,
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
