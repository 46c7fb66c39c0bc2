import { ledgerPutIndex } from "./summary-transaction";

export type TransactionErrorVerdict =
  /** Some ledger puts failed their condition: those records were applied by an earlier delivery. */
  | { kind: "already-applied"; eventIds: string[] }
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
}

interface ServiceErrorShape {
  name?: string;
  message?: string;
  CancellationReasons?: CancellationReason[];
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

/** Decides what a failed summary transaction means; ledgerEventIds are the change's eventIDs in transaction order. */
export function judgeTransactionError(
  error: unknown,
  ledgerEventIds: readonly string[],
): TransactionErrorVerdict {
  const shape = (typeof error === "object" && error !== null ? error : {}) as ServiceErrorShape;
  const name = shape.name ?? "UnknownError";

  if (name === "TransactionCanceledException") {
    const codes = (shape.CancellationReasons ?? []).map((reason) => reason.Code ?? "None");
    const alreadyApplied = ledgerEventIds.filter(
      (_, eventIndex) => codes[ledgerPutIndex(eventIndex)] === "ConditionalCheckFailed",
    );
    if (alreadyApplied.length > 0) {
      return { kind: "already-applied", eventIds: alreadyApplied };
    }
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
