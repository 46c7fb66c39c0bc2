/**
 * Tokens refill continuously at `ratePerSecond` up to `capacity`; a take succeeds only if enough are
 * there. Kept in thousandths of a token so that integer rates over whole milliseconds stay exact.
 */
export class TokenBucket {
  private milliTokens: number;
  private updatedAtMs: number;
  private readonly milliCapacity: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    private readonly now: () => number,
    initialTokens = 0,
  ) {
    this.milliCapacity = capacity * 1000;
    this.milliTokens = Math.min(initialTokens * 1000, this.milliCapacity);
    this.updatedAtMs = now();
  }

  /** Tokens available right now. */
  get available(): number {
    this.refill();
    return this.milliTokens / 1000;
  }

  /** Takes `amount` tokens if they are all there; false (and nothing taken) otherwise. */
  tryTake(amount: number): boolean {
    if (!this.canTake(amount)) return false;
    this.milliTokens -= amount * 1000;
    return true;
  }

  /** Spends every token: the bucket refills from zero from now on. */
  empty(): void {
    this.milliTokens = 0;
    this.updatedAtMs = this.now();
  }

  canTake(amount: number): boolean {
    this.refill();
    return this.milliTokens >= amount * 1000;
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs);
    this.milliTokens = Math.min(this.milliCapacity, this.milliTokens + elapsedMs * this.ratePerSecond);
    this.updatedAtMs = nowMs;
  }
}
