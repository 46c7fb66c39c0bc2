import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { judgeTransactionError } from "../../../functions/summary/transaction-error";

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const serviceError = (name: string, httpStatusCode: number, fault: "client" | "server") =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode } });

describe("judgeTransactionError", () => {
  const eventIds = ["e1", "e2", "e3"];

  it("maps ConditionalCheckFailed ledger puts (after the summary update) to already-applied eventIDs", () => {
    expect(
      judgeTransactionError(
        cancelled("None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed"),
        eventIds,
      ),
    ).toEqual({ kind: "already-applied", eventIds: ["e1", "e3"] });
  });

  it("prefers dropping applied records over retrying a conflict in the same cancellation", () => {
    expect(
      judgeTransactionError(
        cancelled("TransactionConflict", "None", "ConditionalCheckFailed", "None"),
        eventIds,
      ),
    ).toEqual({ kind: "already-applied", eventIds: ["e2"] });
  });

  it.each(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"])(
    "retries a cancellation caused by %s",
    (code) => {
      expect(judgeTransactionError(cancelled(code, "None", "None", "None"), eventIds).kind).toBe("retryable");
    },
  );

  it("gives up on a ValidationError cancellation", () => {
    const verdict = judgeTransactionError(cancelled("ValidationError", "None", "None", "None"), eventIds);
    expect(verdict).toEqual({ kind: "fatal", reason: expect.stringContaining("ValidationError") });
  });

  it("gives up on a cancellation without reasons", () => {
    expect(judgeTransactionError(cancelled(), eventIds).kind).toBe("fatal");
  });

  it.each([
    ["ThrottlingException", 400, "client"],
    ["ProvisionedThroughputExceededException", 400, "client"],
    ["TransactionInProgressException", 400, "client"],
    ["InternalServerError", 500, "server"],
    ["SomethingNew", 503, "server"],
  ] as const)("retries %s", (name, status, fault) => {
    expect(judgeTransactionError(serviceError(name, status, fault), eventIds).kind).toBe("retryable");
  });

  it.each([
    ["ValidationException", 400],
    ["ResourceNotFoundException", 400],
    ["AccessDeniedException", 400],
  ])("gives up on %s", (name, status) => {
    expect(judgeTransactionError(serviceError(name, status, "client"), eventIds)).toEqual({
      kind: "fatal",
      reason: expect.stringContaining(name),
    });
  });

  it("retries an error that never got an HTTP answer (network failure)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(judgeTransactionError(refused, eventIds).kind).toBe("retryable");
  });
});
