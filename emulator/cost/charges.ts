/**
 * How AWS bills what a projection does: DynamoDB capacity units by item size, SQS requests by 64 KB chunk,
 * Lambda by invocation and GB-second, and the dollars for all of it from a prices file (the tools keep theirs in tools/bench/prices.json).
 */
import { readFileSync } from "node:fs";
import Big from "big.js";
import { itemSize } from "../faults/write-capacity";

export { itemSize };

const KB = 1024;

/**
 * Write units of one item write: one per started KB of the item, at least one
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
 * An update or a replacing put is charged on the larger of the item before and after it; a write whose
 * condition fails on the item as it stands (`after` undefined).
 */
export function itemWriteUnits(beforeBytes: number, afterBytes = 0): number {
  return Math.max(1, Math.ceil(Math.max(beforeBytes, afterBytes) / KB));
}

/** Read units of `bytes` read at once: one per started 4 KB when strongly consistent, half that otherwise. */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / (4 * KB)));
  return consistent ? units : units / 2;
}

/** Transactions: "two underlying reads or writes of every item in the transaction". */
export const TRANSACTION_FACTOR = 2;

/** SQS bills "each 64 KB chunk of a payload" as one request. */
export function sqsBilledRequests(payloadBytes: number, bytesPerRequest: number): number {
  return Math.max(1, Math.ceil(payloadBytes / bytesPerRequest));
}

/** GB-seconds of one invocation: configured memory times the duration rounded up to the millisecond. */
export function lambdaGbSeconds(memoryMb: number, durationMs: number): number {
  return (memoryMb / 1024) * (Math.ceil(durationMs) / 1000);
}

export interface Prices {
  region: string;
  checked: string;
  note: string;
  dynamodb: {
    onDemandDollarsPerMillionWriteRequestUnits: string;
    onDemandDollarsPerMillionReadRequestUnits: string;
    provisionedDollarsPerWcuHour: string;
    provisionedDollarsPerRcuHour: string;
    source: string;
  };
  sqs: { standardDollarsPerMillionRequests: string; bytesPerBilledRequest: number; source: string };
  lambda: { dollarsPerMillionRequests: string; dollarsPerGbSecond: string; source: string };
}

export function readPrices(file: string): Prices {
  return JSON.parse(readFileSync(file, "utf8")) as Prices;
}

/** What a run consumed, in the units AWS bills. */
export interface Usage {
  writeUnits: number;
  readUnits: number;
  sqsRequests: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
}

export interface Dollars {
  /** DynamoDB on-demand. */
  onDemand: number;
  /** DynamoDB provisioned at full utilization (each unit-hour buys 3,600 units). */
  provisioned: number;
}

/** Dollars per million orders for `usage` spent on `orders` orders; SQS and Lambda are the same in both. */
export function dollarsPerMillionOrders(usage: Usage, orders: number, prices: Prices): Dollars {
  const perOrder = (value: number) => new Big(value).div(orders);
  const million = new Big(1_000_000);
  const d = prices.dynamodb;
  const others = perOrder(usage.sqsRequests)
    .times(prices.sqs.standardDollarsPerMillionRequests)
    .plus(perOrder(usage.lambdaInvocations).times(prices.lambda.dollarsPerMillionRequests))
    .plus(perOrder(usage.lambdaGbSeconds).times(million).times(prices.lambda.dollarsPerGbSecond));
  const onDemand = perOrder(usage.writeUnits)
    .times(d.onDemandDollarsPerMillionWriteRequestUnits)
    .plus(perOrder(usage.readUnits).times(d.onDemandDollarsPerMillionReadRequestUnits));
  const provisioned = perOrder(usage.writeUnits)
    .times(d.provisionedDollarsPerWcuHour)
    .plus(perOrder(usage.readUnits).times(d.provisionedDollarsPerRcuHour))
    .times(million)
    .div(3600);
  return {
    onDemand: Number(onDemand.plus(others).toFixed(4)),
    provisioned: Number(provisioned.plus(others).toFixed(4)),
  };
}
