import { formatVerificationReport } from "../../../tools/verify/format-report";
import { runVerification, type VerificationReport } from "../../../tools/verify/run-verification";

/**
 * A smaller `npm run verify`: both stacks, every fault on a fixed schedule so that each fires within a
 * few hundred orders, then the same checks. Both summary tables are throttled at 4 WCU, under half of
 * what direct-projection asks for even when a loaded machine sends orders slowly (about one write per
 * account per batch: 10 WCU a second over the 13 s of sending, which 15 WCU never throttled); a throttled
 * batch then takes a few invocations, so its stream mapping gets 20 retries instead of 5, for the
 * injected faults on top. queued-projection gets the same 4 WCU: one apply-summary invocation may spend
 * 2 WU a second, less than its batches of hot accounts need, and what its budget cannot pay for goes
 * back to the queue as new messages, so the DLQ check below fails if waiting for capacity ever pushes a
 * good message there. A 5 s function timeout is the shortest at which one invocation can pay for the
 * largest single write (2 WU/s over 3.75 s against 7 WU; config refuses less); failed SQS messages come
 * back after 30 s (6 x 5). 8 receives, as `npm run verify` uses, keep the injected failures (about
 * one invocation in five) from pushing a good message into the DLQ, while the unprocessable one gets
 * there in about 250 s. The forwarder packs each stream batch into one message, so apply-summary gets
 * enough invocations for every schedule only from unbatched streams (no window) and one message per
 * invocation.
 */
const SETTINGS = {
  CQRS_FUNCTION_TIMEOUT_SECONDS: "5",
  CQRS_DIRECT_SUMMARY_WCU: "4",
  CQRS_STREAM_MAX_RETRY_ATTEMPTS: "20",
  CQRS_QUEUED_SUMMARY_WCU: "4",
  CQRS_STREAM_BATCH_SIZE: "25",
  CQRS_QUEUED_STREAM_BATCH_WINDOW_SECONDS: "0",
  CQRS_QUEUE_BATCH_SIZE: "1",
  CQRS_QUEUE_BATCH_WINDOW_SECONDS: "0",
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
    quiescenceTimeoutSeconds: 420,
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
}, 540_000);

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

test("at the same 4 WCU as direct-projection, no good message reached queued-projection's DLQ", () => {
  const queued = report.stacks.find((s) => s.stack === "queued-projection");
  const dlq = queued?.checks.find((check) => check.name.startsWith("DLQ holds only"));
  expect(dlq).toMatchObject({ ok: true });
  expect(dlq?.detail).toMatch(/unexpected: none/);
});
