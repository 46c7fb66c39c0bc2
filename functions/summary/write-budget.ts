import { requireEnvironmentVariable } from "../shared/environment";

/**
 * The write units per second this writer may spend: its share of the summary table's provisioned write
 * capacity. Writes wait for their units instead of being throttled, and a write whose units would only
 * come after the invocation's deadline is not attempted, so its records fail without a wasted request.
 * Units refill continuously up to one second's worth; waiters are served in the order they asked.
 */
export class WriteBudget {
  private units: number;
  private updatedAtMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly unitsPerSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (milliseconds: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(unitsPerSecond > 0)) throw new RangeError(`write budget must be positive, got ${unitsPerSecond}`);
    this.units = unitsPerSecond;
    this.updatedAtMs = clock();
  }

  /**
   * Waits until `units` are available and spends them; resolves false, spending nothing, when they
   * would only be available after `deadline` (epoch milliseconds). A write larger than one second's
   * budget waits until the budget is full and then takes it into debt.
   */
  take(units: number, deadline?: number): Promise<boolean> {
    const turn = this.queue.then(async () => {
      this.refill();
      const needed = Math.min(units, this.unitsPerSecond);
      const waitMs = Math.max(0, Math.ceil(((needed - this.units) / this.unitsPerSecond) * 1000));
      if (deadline !== undefined && this.clock() + waitMs > deadline) return false;
      if (waitMs > 0) await this.sleep(waitMs);
      this.refill();
      this.units -= units;
      return true;
    });
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Seconds until a full second's units are available again (0 when they are). */
  secondsUntilFull(): number {
    this.refill();
    return Math.max(0, (this.unitsPerSecond - this.units) / this.unitsPerSecond);
  }

  private refill(): void {
    const now = this.clock();
    this.units = Math.min(
      this.unitsPerSecond,
      this.units + ((now - this.updatedAtMs) / 1000) * this.unitsPerSecond,
    );
    this.updatedAtMs = now;
  }
}

/** Share of an invocation's remaining time kept back, at least MIN_DEADLINE_RESERVE_MS, to report failures before the timeout. */
export const DEADLINE_RESERVE_SHARE = 0.25;
export const MIN_DEADLINE_RESERVE_MS = 500;

/** Seconds of an invocation of `timeoutSeconds` during which its writes may be paid for. */
export function spendableSeconds(timeoutSeconds: number): number {
  return timeoutSeconds - Math.max(MIN_DEADLINE_RESERVE_MS / 1000, timeoutSeconds * DEADLINE_RESERVE_SHARE);
}

/** Write units one invocation can pay for when it starts with an empty budget. */
export function writeUnitsPerInvocation(unitsPerSecond: number, timeoutSeconds: number): number {
  return unitsPerSecond * spendableSeconds(timeoutSeconds);
}

export const WRITE_BUDGET_VARIABLE = "SUMMARY_WRITE_UNITS_PER_SECOND";

/** The budget named by SUMMARY_WRITE_UNITS_PER_SECOND. */
export function writeBudgetFromEnvironment(environment: NodeJS.ProcessEnv = process.env): WriteBudget {
  const text = requireEnvironmentVariable(WRITE_BUDGET_VARIABLE, environment);
  return new WriteBudget(Number(text));
}
