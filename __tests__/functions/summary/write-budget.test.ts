import {
  spendableSeconds,
  WriteBudget,
  writeBudgetFromEnvironment,
  writeUnitsPerInvocation,
} from "../../../functions/summary/write-budget";

/** A clock that only moves when the budget sleeps. */
function fakeTime() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test("spends one second's units at once, then waits for each unit at the budget's rate", async () => {
  const time = fakeTime();
  const budget = new WriteBudget(7.5, time.clock, time.sleep);
  expect(await budget.take(5)).toBe(true);
  expect(await budget.take(2.5)).toBe(true);
  expect(time.slept).toEqual([]);
  expect(await budget.take(3)).toBe(true);
  expect(time.slept).toEqual([400]);
});

test("waiters are served in the order they asked, together never above the rate", async () => {
  const time = fakeTime();
  const budget = new WriteBudget(10, time.clock, time.sleep);
  const start = time.clock();
  const order: number[] = [];
  await Promise.all([1, 2, 3, 4].map((n) => budget.take(5).then((ok) => ok && order.push(n))));
  expect(order).toEqual([1, 2, 3, 4]);
  // 20 units at 10 a second, the first 10 already there: one second.
  expect(time.clock() - start).toBe(1000);
});

test("a write whose units come only after the deadline is refused and spends nothing", async () => {
  const time = fakeTime();
  const budget = new WriteBudget(2, time.clock, time.sleep);
  expect(await budget.take(2)).toBe(true);
  expect(await budget.take(2, time.clock() + 500)).toBe(false);
  expect(time.slept).toEqual([]);
  time.advance(1000);
  expect(await budget.take(2, time.clock())).toBe(true);
});

test("a write larger than a second's budget waits for a full budget and goes into debt", async () => {
  const time = fakeTime();
  const budget = new WriteBudget(2, time.clock, time.sleep);
  expect(await budget.take(5)).toBe(true);
  expect(await budget.take(1)).toBe(true);
  // 3 units of debt plus the 1 asked: 2 s at 2 a second.
  expect(time.slept).toEqual([2000]);
});

test("the budget comes from SUMMARY_WRITE_UNITS_PER_SECOND, which must be present and positive", () => {
  expect(writeBudgetFromEnvironment({ SUMMARY_WRITE_UNITS_PER_SECOND: "7.5" }).unitsPerSecond).toBe(7.5);
  expect(() => writeBudgetFromEnvironment({})).toThrow("SUMMARY_WRITE_UNITS_PER_SECOND");
  expect(() => writeBudgetFromEnvironment({ SUMMARY_WRITE_UNITS_PER_SECOND: "0" })).toThrow(RangeError);
});

test("says how long until a full second's units are there again, debt included", async () => {
  const time = fakeTime();
  const budget = new WriteBudget(2, time.clock, time.sleep);
  expect(budget.secondsUntilFull()).toBe(0);
  expect(await budget.take(5)).toBe(true);
  // 3 units of debt plus the 2 of a full second, at 2 a second.
  expect(budget.secondsUntilFull()).toBe(2.5);
  time.advance(1000);
  expect(budget.secondsUntilFull()).toBe(1.5);
});

test("an invocation may spend its timeout less a quarter of it (at least 0.5 s) on paid writes", () => {
  expect(spendableSeconds(30)).toBe(22.5);
  expect(spendableSeconds(1)).toBe(0.5);
  expect(writeUnitsPerInvocation(2.5, 30)).toBe(56.25);
});
