import fc from "fast-check";
import { chunk } from "../../../functions/shared/chunk";

describe("chunk", () => {
  it("splits into slices of at most size, keeping every item in order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 12 }), (items, size) => {
        const slices = chunk(items, size);
        expect(slices.flat()).toEqual(items);
        expect(slices.every((slice) => slice.length >= 1 && slice.length <= size)).toBe(true);
        expect(slices.length).toBe(Math.ceil(items.length / size));
      }),
    );
  });

  it("rejects a size that is not a positive integer", () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 1.5)).toThrow(RangeError);
  });
});
