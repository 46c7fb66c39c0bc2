import { ZERO } from "../domain/decimal";
import type { SummaryDelta } from "../domain/types";
import { type AccountState, bucketBytes, isMarked, stateBytes, utf8Bytes } from "./account-state";
import { MAX_RECORDS_PER_WRITE } from "./ledger";

/**
 * Above this estimated size the write also spills old buckets to the ledger, so that the summary
 * item stays under 1 KB (one write unit) when batches are small.
 */
export const SPILL_ABOVE_BYTES = 900;

/** A spill drops the oldest buckets until the item is estimated at or below this. */
export const SPILL_DOWN_TO_BYTES = 400;

/** Old buckets moved to the ledger range item R(account, rangeStart) before the summary write drops them. */
export interface Spill {
  /** The watermark the planner saw: the range item the marks go to starts after it. */
  rangeStart: number;
  /** The new watermark: the newest second spilled. */
  watermark: number;
  /** Seconds of the buckets removed from the summary item. */
  seconds: number[];
  eventIds: string[];
  /** The summary write commits only if the item is still the one the planner saw. */
  expectedVersion: number;
}

export type WritePlan =
  /** One conditional UpdateItem of the summary item (after the spill's ledger write, if any). */
  | { kind: "summary"; records: SummaryDelta[]; spill?: Spill }
  /** Records at or below the watermark: their marks go to the ledger, in a transaction with the summary. */
  | { kind: "late"; records: SummaryDelta[] };

export interface PlanStep {
  /** Pending records the state already marks: applied by an earlier delivery. */
  alreadyApplied: SummaryDelta[];
  /** The next write, absent when nothing remains to apply. */
  next?: WritePlan;
}

/**
 * The next write for an account's pending records (distinct eventIDs) given what is known of its
 * summary item. Pure: the executor runs the plan, learns the item's new state and asks again.
 */
export function planAccountWrite(state: AccountState, pending: readonly SummaryDelta[]): PlanStep {
  const alreadyApplied = pending.filter((record) => isMarked(state, record.eventId));
  const remaining = pending.filter((record) => !isMarked(state, record.eventId));
  if (remaining.length === 0) {
    return { alreadyApplied };
  }

  const late = remaining.filter((record) => record.createdAt <= state.spilledThrough);
  if (late.length > 0) {
    return { alreadyApplied, next: { kind: "late", records: late.slice(0, MAX_RECORDS_PER_WRITE) } };
  }

  const records = [...remaining]
    .sort((a, b) => a.createdAt - b.createdAt || (a.eventId < b.eventId ? -1 : 1))
    .slice(0, MAX_RECORDS_PER_WRITE);
  const spill = planSpill(state, records);
  return { alreadyApplied, next: spill ? { kind: "summary", records, spill } : { kind: "summary", records } };
}

/**
 * Spills when the item would exceed SPILL_ABOVE_BYTES: the oldest buckets go, but only buckets older
 * than every record of this write (so none of them has to take the late path) and never the newest
 * bucket, so the second being written now stays on the cheap path.
 */
function planSpill(state: AccountState, records: readonly SummaryDelta[]): Spill | undefined {
  let bytes = stateBytes(state) + newMarkBytes(state, records);
  if (bytes <= SPILL_ABOVE_BYTES) {
    return undefined;
  }
  const oldestRecord = records[0].createdAt;
  const seconds = [...state.buckets.keys()].sort((a, b) => a - b);
  const newestBucket = seconds[seconds.length - 1];
  const spilled: number[] = [];
  for (const second of seconds) {
    if (bytes <= SPILL_DOWN_TO_BYTES || second >= oldestRecord || second === newestBucket) break;
    spilled.push(second);
    bytes -= bucketBytes(second, state.buckets.get(second) ?? []);
  }
  if (spilled.length === 0) {
    return undefined;
  }
  return {
    rangeStart: state.spilledThrough,
    watermark: spilled[spilled.length - 1],
    seconds: spilled,
    eventIds: spilled.flatMap((second) => [...(state.buckets.get(second) ?? [])]),
    expectedVersion: state.version,
  };
}

function newMarkBytes(state: AccountState, records: readonly SummaryDelta[]): number {
  let bytes = 0;
  const newBuckets = new Set<number>();
  for (const record of records) {
    bytes += utf8Bytes(record.eventId);
    if (!state.buckets.has(record.createdAt) && !newBuckets.has(record.createdAt)) {
      newBuckets.add(record.createdAt);
      bytes += bucketBytes(record.createdAt, []);
    }
  }
  return bytes;
}

const KB = 1024;

/**
 * Write units a plan is expected to consume, from the known state: an update is charged the larger of
 * the item before and after in 1 KB units, a spill adds its ledger write, and a late write is a
 * transaction (every item charged twice) of the summary item and a ledger range item.
 */
export function estimatedWriteUnits(state: AccountState, plan: WritePlan): number {
  const before = stateBytes(state);
  if (plan.kind === "late") {
    const ledgerBytes = plan.records.reduce((sum, record) => sum + utf8Bytes(record.eventId), 0);
    return 2 * (Math.ceil(before / KB) + Math.ceil(ledgerBytes / KB));
  }
  const after = before + newMarkBytes(state, plan.records);
  const summaryUnits = Math.ceil(Math.max(before, after, 1) / KB);
  if (!plan.spill) return summaryUnits;
  const spilledBytes = plan.spill.seconds.reduce(
    (sum, second) => sum + bucketBytes(second, state.buckets.get(second) ?? []),
    0,
  );
  return summaryUnits + Math.ceil(Math.max(spilledBytes, 1) / KB);
}

/** AWS's stream eventIDs are 32 hexadecimal digits; DynamoDB Local's are 36-character UUIDs. */
const LONGEST_EVENT_ID_LENGTH = 36;

/**
 * The write units the largest single write of an account can need, estimated as the budget estimates
 * it: `records` new marks (at most MAX_RECORDS_PER_WRITE go in one write), each in a second of its own,
 * into an item just above the spill threshold, whose older marks are spilled to the ledger on the way.
 */
export function largestWriteUnits(records: number): number {
  const count = Math.max(1, Math.min(records, MAX_RECORDS_PER_WRITE));
  const eventId = (n: number) => String(n).padStart(LONGEST_EVENT_ID_LENGTH, "0");
  const first = 1_000_000_000;
  const older = new Set<string>();
  const state = (): AccountState => ({
    spilledThrough: 0,
    version: 1,
    buckets: new Map([
      [first, older],
      [first + 1, new Set([eventId(0)])],
    ]),
    baseBytes: 0,
  });
  while (stateBytes(state()) <= SPILL_ABOVE_BYTES) older.add(eventId(older.size + 1));
  const newRecords: SummaryDelta[] = Array.from({ length: count }, (_, k) => ({
    eventId: eventId(-(k + 1)),
    createdAt: first + 2 + k,
    accountId: "a",
    amount: ZERO,
    orderCount: 1,
  }));
  const step = planAccountWrite(state(), newRecords);
  if (!step.next) throw new Error("new records always make a write");
  return estimatedWriteUnits(state(), step.next);
}
