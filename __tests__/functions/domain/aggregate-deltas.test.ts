import fc from "fast-check";
import { aggregateDeltas } from "../../../functions/domain/aggregate-deltas";
import { Decimal, toDecimalText, ZERO } from "../../../functions/domain/decimal";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import type { AccountSummaryChange, SummaryDelta } from "../../../functions/domain/types";
import { type ComparableSummary, orderHistory, summaryOfOrders } from "../support/order-history";

const delta = (eventId: string, accountId: string, amount: string, orderCount: number): SummaryDelta => ({
  eventId,
  createdAt: 1_760_000_000,
  accountId,
  amount: Decimal(amount),
  orderCount,
});

function comparable(changes: AccountSummaryChange[], { dropNoOps = false } = {}): ComparableSummary {
  const summary: ComparableSummary = {};
  for (const change of changes) {
    if (dropNoOps && change.amount.eq(ZERO) && change.orderCount === 0) {
      continue;
    }
    summary[change.accountId] = { amount: toDecimalText(change.amount), orderCount: change.orderCount };
  }
  return summary;
}

const eventIdSets = (changes: AccountSummaryChange[]) =>
  Object.fromEntries(changes.map((change) => [change.accountId, [...change.eventIds].sort()]));

describe("aggregateDeltas", () => {
  it("sums exactly per account and keeps the eventIDs per account", () => {
    const changes = aggregateDeltas([
      delta("e1", "a", "0.1", 1),
      delta("e2", "b", "5", 1),
      delta("e3", "a", "0.2", 1),
      delta("e4", "a", "-0.05", 0),
    ]);
    expect(comparable(changes)).toEqual({
      a: { amount: "0.25", orderCount: 2 },
      b: { amount: "5", orderCount: 1 },
    });
    expect(changes.find((change) => change.accountId === "a")?.eventIds).toEqual(["e1", "e3", "e4"]);
  });

  it("counts an eventID seen twice once", () => {
    const changes = aggregateDeltas([delta("e1", "a", "2", 1), delta("e1", "a", "2", 1)]);
    expect(comparable(changes)).toEqual({ a: { amount: "2", orderCount: 1 } });
    expect(changes[0]?.eventIds).toEqual(["e1"]);
  });

  it("returns nothing for no deltas", () => {
    expect(aggregateDeltas([])).toEqual([]);
  });
});

describe("aggregation properties over realistic stream histories", () => {
  it("does not depend on the order of the records", () => {
    fc.assert(
      fc.property(
        orderHistory.chain((history) =>
          fc.tuple(
            fc.constant(history),
            fc.shuffledSubarray(history.records, { minLength: history.records.length }),
          ),
        ),
        ([history, shuffled]) => {
          const inOrder = aggregateDeltas(history.records.map(summaryDeltaOf));
          const reordered = aggregateDeltas(shuffled.map(summaryDeltaOf));
          expect(comparable(reordered)).toEqual(comparable(inOrder));
          expect(eventIdSets(reordered)).toEqual(eventIdSets(inOrder));
        },
      ),
    );
  });

  it("is unchanged when records are delivered several times, in any order", () => {
    fc.assert(
      fc.property(
        orderHistory.chain((history) =>
          fc.tuple(
            fc.constant(history),
            fc
              .array(fc.nat({ max: 3 }), {
                minLength: history.records.length,
                maxLength: history.records.length,
              })
              .map((extraCopies) =>
                history.records.flatMap((record, index) => Array(1 + (extraCopies[index] ?? 0)).fill(record)),
              )
              .chain((duplicated) => fc.shuffledSubarray(duplicated, { minLength: duplicated.length })),
          ),
        ),
        ([history, redelivered]) => {
          const once = aggregateDeltas(history.records.map(summaryDeltaOf));
          const duplicated = aggregateDeltas(redelivered.map(summaryDeltaOf));
          expect(comparable(duplicated)).toEqual(comparable(once));
          expect(eventIdSets(duplicated)).toEqual(eventIdSets(once));
        },
      ),
    );
  });

  it("equals the summary recomputed from the final details table", () => {
    fc.assert(
      fc.property(orderHistory, (history) => {
        const changes = aggregateDeltas(history.records.map(summaryDeltaOf));
        expect(comparable(changes, { dropNoOps: true })).toEqual(summaryOfOrders(history.finalOrders));
      }),
    );
  });

  it("gives the same total whether a history is applied in one batch or split into batches", () => {
    fc.assert(
      fc.property(orderHistory, fc.array(fc.nat(), { maxLength: 5 }), (history, cuts) => {
        const bounds = [...new Set(cuts.map((cut) => cut % (history.records.length + 1)))].sort(
          (a, b) => a - b,
        );
        const batches = [0, ...bounds].map((start, index) =>
          history.records.slice(start, [...bounds, history.records.length][index]),
        );
        const perBatch = batches.flatMap((batch) => aggregateDeltas(batch.map(summaryDeltaOf)));
        const combined = aggregateDeltas(
          perBatch.map((change, index) => ({
            eventId: `batch-${index}`,
            createdAt: 1_760_000_000,
            accountId: change.accountId,
            amount: change.amount,
            orderCount: change.orderCount,
          })),
        );
        const oneBatch = aggregateDeltas(history.records.map(summaryDeltaOf));
        expect(comparable(combined, { dropNoOps: true })).toEqual(comparable(oneBatch, { dropNoOps: true }));
      }),
    );
  });
});
