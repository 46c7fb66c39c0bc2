import { seededRandom } from "../../emulator/seeded-random";
import { Semaphore } from "../../emulator/semaphore";
import { type ApiTarget, postOrder } from "../load/api-client";
import { type Order, randomOrder } from "../load/orders";

export interface TrafficPlan {
  accounts: string[];
  /** Sent at once. */
  burst: Order[];
  /** Sent `rate` per second after the burst. */
  steady: Order[];
  rate: number;
}

/** Distinct orders (no overwrites: every accepted order adds one to its account's order_count). */
export function planTraffic(options: {
  runId: string;
  burst: number;
  rate: number;
  duration: number;
  accounts: number;
  seed: number;
}): TrafficPlan {
  const random = seededRandom(options.seed);
  const accounts = Array.from({ length: options.accounts }, (_, i) => `${options.runId}-acct-${i + 1}`);
  const total = options.burst + Math.round(options.rate * options.duration);
  const orders = Array.from({ length: total }, (_, i) =>
    randomOrder(
      random,
      accounts[Math.floor(random() * accounts.length)],
      `order-${String(i + 1).padStart(6, "0")}`,
    ),
  );
  return {
    accounts,
    burst: orders.slice(0, options.burst),
    steady: orders.slice(options.burst),
    rate: options.rate,
  };
}

/** What one stack's API answered so far. */
export class TrafficLog {
  /** Epoch milliseconds of every accepted order, in the order the API accepted them. */
  readonly acceptedAtMs: number[] = [];
  readonly acceptedOrders: Order[] = [];
  readonly rejected: { status: number; text: string }[] = [];
  sent = 0;
  finishedAtMs?: number;

  get accepted(): number {
    return this.acceptedAtMs.length;
  }
}

/**
 * Sends the plan to one API through the load client: the burst with `concurrency` requests in flight,
 * then one order every 1/rate seconds.
 */
export async function sendTraffic(
  target: ApiTarget,
  plan: TrafficPlan,
  log: TrafficLog,
  concurrency: number,
): Promise<void> {
  const permits = new Semaphore(concurrency);
  const send = async (order: Order) => {
    const answer = await permits.withPermit(() => postOrder(target, order));
    log.sent += 1;
    if (answer.status === 200) {
      log.acceptedAtMs.push(Date.now());
      log.acceptedOrders.push(order);
    } else log.rejected.push(answer);
  };
  await Promise.all(plan.burst.map(send));
  const steadyStart = Date.now();
  const inFlight: Promise<void>[] = [];
  for (const [index, order] of plan.steady.entries()) {
    const due = steadyStart + (index * 1000) / plan.rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    inFlight.push(send(order));
  }
  await Promise.all(inFlight);
  log.finishedAtMs = Date.now();
}
