import { PROJECTION_PATTERNS } from "../../stacks/projections";

/** Write capacity of every summary table in the demo. */
export const DEMO_SUMMARY_WCU = 10;

/**
 * The demo's workload and the settings of the stacks it synthesizes. Every summary table gets the same
 * write capacity, so the report compares the designs on equal terms: what each spends per order and
 * how each meets a burst larger than that capacity (direct: throttled writes and retries; queued: the
 * queue holding the burst). `--direct-wcu` / `--queued-wcu` (`--<pattern>-wcu`) set other capacities.
 */
export const DEMO_SETTINGS: Readonly<Record<string, string>> = Object.fromEntries(
  PROJECTION_PATTERNS.map((pattern) => [pattern.summaryWriteCapacityVariable, String(DEMO_SUMMARY_WCU)]),
);

export const DEMO_DEFAULTS = {
  /** Orders sent at once, as fast as the API takes them. */
  burst: 300,
  /** Orders per second after the burst, for `duration` seconds. */
  rate: 5,
  duration: 10,
  accounts: 100,
  /** Requests in flight at once. */
  concurrency: 16,
  /** Longest wait for both stacks to converge after the last order. */
  timeoutSeconds: 300,
};
