import { backoffDelayMs } from "../../../functions/summary/backoff";

describe("backoffDelayMs", () => {
  const policy = { baseDelayMs: 50, maxDelayMs: 1000 };

  it("doubles the ceiling per retry up to the maximum", () => {
    const ceiling = (retry: number) => backoffDelayMs(retry, policy, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 10].map(ceiling)).toEqual([49, 99, 199, 399, 799, 999, 999]);
  });

  it("is fully jittered down to zero", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(100);
  });
});
