import { PROJECTION_PATTERNS } from "../../stacks/projections";

/**
 * The verification's workload and the settings of the stacks it synthesizes. The summary tables get
 * 50 WCU so that 5,000 orders finish in minutes (the jest verification throttles both stacks at 4 WCU);
 * the stacks keep their shipped batching. docs/benchmarks.md, section 3, has what lower capacities did.
 * A 3 s function timeout makes failed SQS messages come back after 18 s plus the batching window
 * instead of 181 s.
 * Every delivery that does not end in a delete counts a receive: with the hostile preset about one in
 * ten (5% redeliveries, 5% injected failures), so at the default maxReceiveCount of 5 one good message in
 * a few thousand reaches the DLQ as a copy. 8 receives make that about 1 in 10^8, so the DLQ check can
 * demand only the records made unprocessable on purpose.
 */
export const VERIFY_SETTINGS: Readonly<Record<string, string>> = {
  CQRS_FUNCTION_TIMEOUT_SECONDS: "3",
  CQRS_QUEUE_MAX_RECEIVE_COUNT: "8",
  ...Object.fromEntries(PROJECTION_PATTERNS.map((pattern) => [pattern.summaryWriteCapacityVariable, "50"])),
};

export const VERIFY_DEFAULTS = {
  orders: 5000,
  accounts: 20,
  hotAccounts: { count: 2, share: 0.6 },
  overwriteRate: 0.1,
  deleteRate: 0.02,
  poison: 3,
  concurrency: 8,
  quiescenceTimeoutSeconds: 600,
  settings: VERIFY_SETTINGS,
};
