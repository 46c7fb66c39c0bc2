import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type WriteErrorVerdict =
  /** The summary write's condition failed; the item it returned tells the writer what changed. */
  | { kind: "condition-failed"; item?: Record<string, AttributeValue> }
  /** A late write's ledger update failed its condition: the item returned names the marks present. */
  | { kind: "ledger-condition-failed"; item?: Record<string, AttributeValue> }
  /** Worth another attempt after a pause (conflict, throttling, server or network fault). */
  | { kind: "retryable"; reason: string }
  /** Retrying in this invocation cannot help; report the records as failed. */
  | { kind: "fatal"; reason: string };

const retryableCancellationCodes = new Set([
  "TransactionConflict",
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
]);

const retryableErrorNames = new Set([
  "TransactionConflictException",
  "TransactionInProgressException",
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
]);

interface CancellationReason {
  Code?: string;
  Item?: Record<string, AttributeValue>;
}

interface ServiceErrorShape {
  name?: string;
  message?: string;
  Item?: Record<string, AttributeValue>;
  CancellationReasons?: CancellationReason[];
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

/** Position of the ledger update in a late write's TransactItems (the summary update comes first). */
export const LATE_LEDGER_ACTION_INDEX = 1;

/** Decides what a failed summary, ledger or transactional write means. */
export function judgeWriteError(error: unknown): WriteErrorVerdict {
  const shape = (typeof error === "object" && error !== null ? error : {}) as ServiceErrorShape;
  const name = shape.name ?? "UnknownError";

  if (name === "ConditionalCheckFailedException") {
    return { kind: "condition-failed", item: shape.Item };
  }
  if (name === "TransactionCanceledException") {
    const reasons = shape.CancellationReasons ?? [];
    const ledger = reasons[LATE_LEDGER_ACTION_INDEX];
    if (ledger?.Code === "ConditionalCheckFailed") {
      return { kind: "ledger-condition-failed", item: ledger.Item };
    }
    const codes = reasons.map((reason) => reason.Code ?? "None");
    const reason = `${name} [${codes.join(", ")}]`;
    return codes.some((code) => retryableCancellationCodes.has(code))
      ? { kind: "retryable", reason }
      : { kind: "fatal", reason };
  }

  const reason = `${name}: ${shape.message ?? ""}`;
  if (retryableErrorNames.has(name) || shape.$fault === "server") {
    return { kind: "retryable", reason };
  }
  // No HTTP status means the request never got an answer (connection refused, reset, timeout).
  if (shape.$metadata?.httpStatusCode === undefined) {
    return { kind: "retryable", reason };
  }
  return { kind: "fatal", reason };
}
