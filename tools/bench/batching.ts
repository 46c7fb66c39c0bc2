/**
 * How an event source mapping forms batches from records arriving over time, in simulated seconds, from
 * the synthesized settings (docs/benchmarks.md, "Batching model", cites the AWS pages):
 *
 * - DynamoDB stream: with no batching window Lambda polls the shard 4 times a second and invokes with what
 *   the poll finds (up to the batch size); with a window it gathers from the first record it sees until the
 *   batch is full or the window has passed. One shard, one batch at a time, the handler's own time taken
 *   as zero: no batch ever holds more than traffic at that rate would give.
 * - SQS: see sqs-poller.ts (it calls the real queue).
 */

/** Lambda polls each stream shard "at a base rate of 4 times per second". */
export const STREAM_POLL_INTERVAL_SECONDS = 0.25;

export interface Batching {
  batchSize: number;
  windowSeconds: number;
}

export interface Arrival<T> {
  /** Simulated seconds since the workload began. */
  at: number;
  item: T;
}

export interface Batch<T> {
  /** When the mapping invokes the function with it. */
  at: number;
  items: T[];
}

const nextPoll = (time: number) =>
  Math.ceil(time / STREAM_POLL_INTERVAL_SECONDS - 1e-9) * STREAM_POLL_INTERVAL_SECONDS;

/** Stream batches of `arrivals` (in arrival order) as one shard's mapping would invoke them. */
export function streamBatches<T>(arrivals: readonly Arrival<T>[], batching: Batching): Batch<T>[] {
  const batches: Batch<T>[] = [];
  let next = 0;
  let clock = 0;
  while (next < arrivals.length) {
    const firstSeen = Math.max(clock, nextPoll(arrivals[next].at));
    let closes = firstSeen;
    if (batching.windowSeconds > 0) {
      const fills = arrivals[next + batching.batchSize - 1]?.at ?? Number.POSITIVE_INFINITY;
      closes = Math.min(firstSeen + batching.windowSeconds, Math.max(firstSeen, fills));
    }
    const items: T[] = [];
    while (
      next < arrivals.length &&
      items.length < batching.batchSize &&
      arrivals[next].at <= closes + 1e-9
    ) {
      items.push(arrivals[next++].item);
    }
    batches.push({ at: closes, items });
    clock = closes + (batching.windowSeconds > 0 ? 0 : STREAM_POLL_INTERVAL_SECONDS);
  }
  return batches;
}
