import type { Logger } from "@aws-lambda-powertools/logger";
import type { ProjectionOutcome } from "./project-batch";

/** One log line per failure (with its cause) and one summary line per batch. */
export function logProjectionOutcome(logger: Logger, batchSize: number, outcome: ProjectionOutcome): void {
  for (const item of outcome.unprocessable) {
    logger.error("Unprocessable record reported as failed", {
      itemIdentifier: item.itemIdentifier,
      error: item.error as Error,
    });
  }
  for (const failure of outcome.writeFailures) {
    logger.error("Summary write failed; records reported as failed", {
      accountId: failure.accountId,
      eventIds: failure.eventIds,
      reason: failure.reason,
      error: failure.cause as Error,
    });
  }
  logger.info("Batch projected", {
    batchSize,
    applied: outcome.appliedCount,
    alreadyApplied: outcome.alreadyAppliedCount,
    failed: outcome.failedItemIdentifiers.length,
  });
}
