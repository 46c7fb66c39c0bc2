import {
  dollarsPerMillionOrders,
  itemWriteUnits,
  lambdaGbSeconds,
  readPrices,
  readUnits,
  sqsBilledRequests,
} from "../../../emulator/cost/charges";
import { PRICES_FILE } from "../../../tools/bench/prices";

it("charges a write one unit per started KB, at least one, on the larger of before and after", () => {
  expect(itemWriteUnits(0)).toBe(1);
  expect(itemWriteUnits(1024)).toBe(1);
  expect(itemWriteUnits(1025)).toBe(2);
  expect(itemWriteUnits(3000, 200)).toBe(3);
  expect(itemWriteUnits(200, 3000)).toBe(3);
});

it("charges reads per started 4 KB, half for eventually consistent ones", () => {
  expect(readUnits(0, true)).toBe(1);
  expect(readUnits(4096, true)).toBe(1);
  expect(readUnits(4097, true)).toBe(2);
  expect(readUnits(4097, false)).toBe(1);
});

it("bills one SQS request per started 64 KB of payload", () => {
  expect(sqsBilledRequests(0, 65_536)).toBe(1);
  expect(sqsBilledRequests(65_536, 65_536)).toBe(1);
  expect(sqsBilledRequests(65_537, 65_536)).toBe(2);
  expect(sqsBilledRequests(256 * 1024, 65_536)).toBe(4);
});

it("bills Lambda GB-seconds on the configured memory and the duration rounded up to the millisecond", () => {
  expect(lambdaGbSeconds(1024, 1)).toBe(0.001);
  expect(lambdaGbSeconds(1024, 1.2)).toBe(0.002);
  expect(lambdaGbSeconds(512, 100)).toBe(0.05);
});

it("prices a million orders from tools/bench/prices.json, provisioned at full utilization", () => {
  const prices = readPrices(PRICES_FILE);
  const dollars = dollarsPerMillionOrders(
    { writeUnits: 2000, readUnits: 0, sqsRequests: 0, lambdaInvocations: 0, lambdaGbSeconds: 0 },
    1000,
    prices,
  );
  // 2 write units per order: 2 million units.
  expect(dollars.onDemand).toBe(
    Number((2 * Number(prices.dynamodb.onDemandDollarsPerMillionWriteRequestUnits)).toFixed(4)),
  );
  expect(dollars.provisioned).toBe(
    Number(((2_000_000 * Number(prices.dynamodb.provisionedDollarsPerWcuHour)) / 3600).toFixed(4)),
  );
  const withQueue = dollarsPerMillionOrders(
    { writeUnits: 0, readUnits: 0, sqsRequests: 500, lambdaInvocations: 10, lambdaGbSeconds: 1 },
    1000,
    prices,
  );
  expect(withQueue.onDemand).toBe(withQueue.provisioned);
  expect(withQueue.onDemand).toBeGreaterThan(0);
});
