import type { RetryPolicy } from "./types";

/** "Full jitter" pause before retry number `retry` (1-based): uniform in [0, min(max, base × 2^(retry−1))). */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
