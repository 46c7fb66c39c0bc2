/**
 * The demo's workload and the settings of the stacks it synthesizes. The summary tables keep the
 * design's ratio (direct 2 : queued 5 WCU) at five times the default capacities. With many accounts
 * nearly every order is its own summary transaction (2 WCU), so a stack drains about WCU / 2 orders a
 * second: at 2 WCU the default 350 orders over 100 accounts (1.3 WCU each, npm run bench)
 * would take the direct stack about four minutes.
 * `--direct-wcu 2 --queued-wcu 5` runs the default capacities.
 */
export const DEMO_SETTINGS: Readonly<Record<string, string>> = {
  CQRS_DIRECT_SUMMARY_WCU: "10",
  CQRS_QUEUED_SUMMARY_WCU: "25",
};

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
