import { formatVerificationReport } from "../../../tools/verify/format-report";
import { runVerification, type VerificationReport } from "../../../tools/verify/run-verification";

/**
 * A smaller `npm run verify`: both stacks, every fault on a fixed schedule so that each fires within a
 * few hundred orders, then the same checks. The direct stack's summary table is throttled at 4 WCU,
 * under half of what its projection asks for even when a loaded machine sends orders slowly (about one
 * write per account per batch: 10 WCU a second over the 13 s of sending, which 15 WCU never
 * throttled); a throttled batch then takes a few invocations, so its stream
 * mapping gets 20 retries instead of 5, for the injected faults on top. The
 * queued one gets 200 WCU, sized for its bounded consumers as it would be in production: at 4 WCU, with
 * 2 s functions, one invocation may spend about 5 write units (2 WU/s, paced) while its batches of hot
 * accounts need more, and a run left 5 good messages in the DLQ.
 * Small queue batches
 * give apply-summary enough invocations for every schedule; a 2 s function timeout brings failed SQS
 * messages back after 13 s (6 x 2 + 1); 8 receives, as `npm run verify` uses, keep the injected failures
 * (about one invocation in five) from pushing a good message into the DLQ (with 6, one run in a few did),
 * while the unprocessable one gets there in about 105 s.
 */
const SETTINGS = {
  CQRS_FUNCTION_TIMEOUT_SECONDS: "2",
  CQRS_DIRECT_SUMMARY_WCU: "4",
  CQRS_STREAM_MAX_RETRY_ATTEMPTS: "20",
  CQRS_QUEUED_SUMMARY_WCU: "200",
  CQRS_STREAM_BATCH_SIZE: "25",
  CQRS_QUEUE_BATCH_SIZE: "5",
  CQRS_QUEUE_BATCH_WINDOW_SECONDS: "1",
  CQRS_QUEUE_MAX_RECEIVE_COUNT: "8",
};

let report: VerificationReport;

beforeAll(async () => {
  report = await runVerification({
    orders: 300,
    accounts: 20,
    hotAccounts: { count: 2, share: 0.6 },
    overwriteRate: 0.1,
    deleteRate: 0.02,
    poison: 1,
    seed: 20261126,
    concurrency: 8,
    quiescenceTimeoutSeconds: 240,
    settings: SETTINGS,
    faults: {
      crashBeforeWrite: { every: 13 },
      crashAfterWrite: { every: 17 },
      timeout: { every: 19 },
      duplicateDelivery: { every: 7 },
      redeliver: { every: 11 },
      throttle: true,
      seed: 7,
    },
  });
}, 300_000);

test("zero drift, zero lost orders, failure queues hold only the unprocessable records", () => {
  if (!report.ok) throw new Error(formatVerificationReport(report));
  expect(report.stacks.map((s) => s.stack)).toEqual(["direct-projection", "queued-projection"]);
  for (const stack of report.stacks) {
    expect(stack.workload.accepted).toBe(300);
    expect(stack.workload.overwrites).toBe(30);
    expect(stack.workload.deletes).toHaveLength(6);
    expect(stack.checks.length).toBeGreaterThanOrEqual(4);
  }
});

test("every fault was actually injected", () => {
  const total = (counts: Record<string, number> | undefined) =>
    Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
  const missing = report.stacks.flatMap((stack) =>
    (["crashBeforeWrite", "crashAfterWrite", "timeout", "duplicateDelivery"] as const)
      .filter((fault) => total(stack.faults.injected[fault]) === 0)
      .map((fault) => `${stack.stack}: ${fault}`),
  );
  const queued = report.stacks.find((s) => s.stack === "queued-projection");
  if (total(queued?.faults.injected.redeliver) === 0) missing.push("queued-projection: redeliver");
  if (!report.stacks.some((s) => s.throttledSummaryWrites > 0)) missing.push("throttling");
  if (missing.length > 0)
    throw new Error(`not injected: ${missing.join(", ")}\n${formatVerificationReport(report)}`);
});

test("the summary table sees fewer writes than there are order changes", () => {
  for (const stack of report.stacks) {
    const changes = stack.workload.sent + stack.workload.deletes.length;
    expect(stack.summaryWrites).toBeGreaterThan(0);
    expect(stack.summaryWrites).toBeLessThan(changes);
  }
});
