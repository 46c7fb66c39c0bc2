/**
 * How Lambda reads a ReportBatchItemFailures response. Success: null/empty response or an empty/null
 * list. Whole-batch failure: a null or empty itemIdentifier, a malformed entry, or an identifier
 * that is not in the batch.
 */
export type BatchResponseVerdict =
  | { kind: "success" }
  | { kind: "whole-batch-failure"; reason: string }
  | { kind: "partial-failure"; failedIds: string[] };

export function readBatchItemFailures(
  payload: unknown,
  idsInBatch: ReadonlySet<string>,
): BatchResponseVerdict {
  if (payload === null || typeof payload !== "object") return { kind: "success" };
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "success" };
  if (!Array.isArray(failures))
    return { kind: "whole-batch-failure", reason: "batchItemFailures is not a list" };
  const failedIds: string[] = [];
  for (const entry of failures) {
    const id =
      entry !== null && typeof entry === "object"
        ? (entry as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== "string" || id === "") {
      return { kind: "whole-batch-failure", reason: "an itemIdentifier is empty, null or missing" };
    }
    if (!idsInBatch.has(id))
      return { kind: "whole-batch-failure", reason: `itemIdentifier ${id} is not in the batch` };
    failedIds.push(id);
  }
  return failedIds.length === 0 ? { kind: "success" } : { kind: "partial-failure", failedIds };
}
