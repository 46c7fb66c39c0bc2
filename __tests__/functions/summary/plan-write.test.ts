import { Decimal } from "../../../functions/domain/decimal";
import type { SummaryDelta } from "../../../functions/domain/types";
import {
  type AccountState,
  bucketBytes,
  emptyState,
  stateBytes,
  stateOfItem,
} from "../../../functions/summary/account-state";
import { MAX_RECORDS_PER_WRITE } from "../../../functions/summary/ledger";
import {
  estimatedWriteUnits,
  planAccountWrite,
  SPILL_ABOVE_BYTES,
  SPILL_DOWN_TO_BYTES,
} from "../../../functions/summary/plan-write";

const T0 = 1_760_000_000;
const id = (n: number) => n.toString(16).padStart(32, "0");
const record = (n: number, createdAt: number): SummaryDelta => ({
  eventId: id(n),
  createdAt,
  accountId: "a",
  amount: Decimal("1"),
  orderCount: 1,
});

/** A state with `perSecond` marks in each of `seconds` consecutive seconds from `from`. */
function stateWith(
  seconds: number,
  perSecond: number,
  from = T0,
  spilledThrough = 0,
  version = 7,
): AccountState {
  const buckets = new Map<number, Set<string>>();
  for (let s = 0; s < seconds; s++) {
    buckets.set(from + s, new Set(Array.from({ length: perSecond }, (_, i) => id(1000 * s + i))));
  }
  return { ...emptyState("a"), spilledThrough, version, buckets };
}

describe("planAccountWrite", () => {
  it("writes new records on the normal path, without a spill while the item stays small", () => {
    const step = planAccountWrite(emptyState("a"), [record(1, T0), record(2, T0 + 1)]);
    expect(step.alreadyApplied).toEqual([]);
    expect(step.next).toEqual({ kind: "summary", records: [record(1, T0), record(2, T0 + 1)] });
  });

  it("drops records the known state marks, and plans nothing when all are marked", () => {
    const state = stateWith(1, 2);
    const marked = record(0, T0);
    const step = planAccountWrite(state, [marked, record(5000, T0)]);
    expect(step.alreadyApplied).toEqual([marked]);
    expect(step.next).toEqual({ kind: "summary", records: [record(5000, T0)] });
    expect(planAccountWrite(state, [marked])).toEqual({ alreadyApplied: [marked] });
  });

  it("sends records at or below the watermark to the late path first", () => {
    const state = stateWith(1, 1, T0 + 10, T0 + 5);
    const step = planAccountWrite(state, [record(1, T0 + 20), record(2, T0 + 5), record(3, T0 + 1)]);
    expect(step.next).toEqual({ kind: "late", records: [record(2, T0 + 5), record(3, T0 + 1)] });
  });

  it("takes at most MAX_RECORDS_PER_WRITE records, oldest creation seconds first", () => {
    const pending = Array.from({ length: 150 }, (_, n) => record(n, T0 + 149 - n));
    const next = planAccountWrite(emptyState("a"), pending).next;
    expect(next?.records).toHaveLength(MAX_RECORDS_PER_WRITE);
    expect(next?.records[0].createdAt).toBe(T0);
    expect(Math.max(...(next?.records ?? []).map((r) => r.createdAt))).toBe(T0 + 99);
  });

  it("spills the oldest buckets once the item would pass the threshold, down to the target", () => {
    const state = stateWith(20, 1);
    expect(stateBytes(state)).toBeGreaterThan(SPILL_ABOVE_BYTES - 100);
    const next = planAccountWrite(state, [
      record(9999, T0 + 30),
      record(9998, T0 + 30),
      record(9997, T0 + 30),
    ]).next;
    if (next?.kind !== "summary" || !next.spill)
      throw new Error(`expected a spill, got ${JSON.stringify(next)}`);
    const { spill } = next;
    expect(spill.rangeStart).toBe(0);
    expect(spill.expectedVersion).toBe(7);
    expect(spill.seconds[0]).toBe(T0);
    expect(spill.watermark).toBe(spill.seconds[spill.seconds.length - 1]);
    expect(spill.seconds).toEqual(Array.from({ length: spill.seconds.length }, (_, i) => T0 + i));
    expect(spill.eventIds).toEqual(spill.seconds.map((second) => id(1000 * (second - T0))));
    const remaining = [...state.buckets].filter(([second]) => second > spill.watermark);
    const left =
      state.baseBytes +
      remaining.reduce((sum, [second, ids]) => sum + bucketBytes(second, ids), 0) +
      bucketBytes(T0 + 30, [id(9999), id(9998), id(9997)]);
    expect(left).toBeLessThanOrEqual(SPILL_DOWN_TO_BYTES);
  });

  it("never spills the newest bucket, nor a bucket as new as a record of this write", () => {
    const oneBigBucket = stateWith(1, 40);
    expect(planAccountWrite(oneBigBucket, [record(9999, T0 + 5)]).next).toEqual({
      kind: "summary",
      records: [record(9999, T0 + 5)],
    });
    const state = stateWith(20, 1);
    const next = planAccountWrite(state, [record(9999, T0 + 2)]).next;
    expect(next?.kind === "summary" && next.spill?.seconds).toEqual([T0, T0 + 1]);
  });

  it("spills from the known watermark: the range item starts where the last spill ended", () => {
    const state = stateWith(20, 1, T0 + 100, T0 + 99, 42);
    const next = planAccountWrite(state, [record(9999, T0 + 200)]).next;
    expect(next?.kind === "summary" && next.spill).toMatchObject({
      rangeStart: T0 + 99,
      expectedVersion: 42,
    });
  });
});

describe("account state", () => {
  it("reads buckets, watermark and version from an item and sizes the rest by DynamoDB's rules", () => {
    const state = stateOfItem("acct-1", {
      accountid: { S: "acct-1" },
      account_total: { N: "12.30" },
      order_count: { N: "3" },
      v: { N: "9" },
      spilled_through: { N: String(T0) },
      [`m${T0 + 1}`]: { SS: ["e1", "e2"] },
    });
    expect(state.spilledThrough).toBe(T0);
    expect(state.version).toBe(9);
    expect(state.buckets).toEqual(new Map([[T0 + 1, new Set(["e1", "e2"])]]));
    // Names plus values; a number is 1 byte per 2 significant digits (zeros trimmed at both ends) plus 1:
    // accountid 9+6, account_total 13+3 ("123"), order_count 11+2, v 1+2, spilled_through 15+3 ("176").
    expect(state.baseBytes).toBe(15 + 16 + 13 + 3 + 18);
    expect(stateBytes(state)).toBe(state.baseBytes + 11 + 4);
  });

  it("an absent item is version 0 with no watermark", () => {
    expect(stateOfItem("a", undefined)).toMatchObject({ spilledThrough: 0, version: 0, buckets: new Map() });
  });
});

describe("estimated write units, what the write budget charges before a write", () => {
  test("a small item costs one unit, a larger one its size in 1 KB units, before or after the write", () => {
    const small = stateWith(1, 2);
    const step = planAccountWrite(small, [record(50, T0 + 5)]);
    expect(step.next && estimatedWriteUnits(small, step.next)).toBe(1);
    const large = stateWith(2, 40, T0, 0, 7);
    expect(stateBytes(large)).toBeGreaterThan(2048);
    const late = planAccountWrite({ ...large, spilledThrough: T0 + 10 }, [record(60, T0 + 3)]);
    // A transaction: the 3 KB summary item and a ledger range item, each charged twice.
    expect(late.next?.kind).toBe("late");
    expect(late.next && estimatedWriteUnits({ ...large, spilledThrough: T0 + 10 }, late.next)).toBe(8);
  });

  test("a spill adds the ledger write of the spilled marks", () => {
    const state = stateWith(3, 10);
    const step = planAccountWrite(state, [record(90, T0 + 10)]);
    expect(step.next?.kind === "summary" && step.next.spill).toBeTruthy();
    // The item before the write is just over 1 KB (2 units); the spilled marks fit one ledger unit.
    expect(stateBytes(state)).toBeGreaterThan(1024);
    expect(stateBytes(state)).toBeLessThan(2048 - 100);
    expect(step.next && estimatedWriteUnits(state, step.next)).toBe(3);
  });
});
