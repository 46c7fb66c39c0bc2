export { actualSummaries, type SummaryItemReading } from "./actual-summaries";
export { type ExpectedSummaries, expectedSummaries } from "./expected-summaries";
export { formatReport } from "./format-report";
export { type QueueBacklog, type QueueTarget, queueBacklogs, queueRefusal } from "./queue-backlog";
export {
  DEFAULT_SETTLE_SECONDS,
  type FixOutcome,
  type ReconcileOptions,
  type ReconcileReport,
  type ReconcileStep,
  reconcile,
  type SkipReason,
} from "./reconcile";
export { rewriteSummary } from "./rewrite-summary";
export type { AccountDrift, ReconcileTarget, SummaryFigures, UnprojectableItem } from "./types";
