import { PROJECTION_PATTERNS } from "../../stacks/projections";

/**
 * The verification's workload and the settings of the stacks it synthesizes. The summary tables get
 * 50 WCU so that 5,000 orders finish in minutes. With one write per account per batch that is no longer
 * throttled (measured: 0 throttled writes; the jest verification throttles both stacks at 4 WCU).
 * At 15 WCU, before apply-summary paced its writes, throttling pushed 733 good messages of
 * queued-projection to the DLQ within 8 receives of a 3 s function (5,294 throttled writes, 2,720 WCU
 * against direct's 1,220); paced, 0 throttled writes and 993 WCU, but 186 good messages still reached
 * the DLQ, failed because a batch needed more than the 7.5 WU/s x 2.25 s one invocation may spend. Now
 * what the budget cannot pay for is sent to the queue again instead of failing, so waiting for capacity
 * uses up no receive near the DLQ. The stacks keep their shipped queue batching (500 messages in 5 s,
 * the forwarder's 2 s). With it this run's queue was once not quiet after 600 s, its messages cycling
 * through the re-send near the DLQ; measured since, whole invocations spent their write budget finding
 * out, through paid and cancelled transactions, that a redelivered hot account's records had been
 * applied by the late path, and applied nothing. The late path now drops those on its ledger read.
 * A 3 s function timeout makes failed SQS messages come back after 23 s (6 x 3 + the 5 s window)
 * instead of 185 s.
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
