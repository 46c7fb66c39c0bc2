import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { judgeWriteError } from "../../../functions/summary/write-error";

const cancelled = (...reasons: { Code: string; Item?: Record<string, { SS: string[] }> }[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });

const serviceError = (name: string, httpStatusCode: number, fault: "client" | "server") =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode } });

describe("judgeWriteError", () => {
  it("hands back the old item of a failed summary condition", () => {
    const item = { accountid: { S: "a" }, m1: { SS: ["e1"] } };
    const error = new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: { httpStatusCode: 400 },
      Item: item,
    });
    expect(judgeWriteError(error)).toEqual({ kind: "condition-failed", item });
  });

  it("hands back the ledger item when a late transaction's ledger condition failed", () => {
    const item = { ids: { SS: ["e1", "e2"] } };
    expect(
      judgeWriteError(cancelled({ Code: "None" }, { Code: "ConditionalCheckFailed", Item: item })),
    ).toEqual({
      kind: "ledger-condition-failed",
      item,
    });
  });

  it.each(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"])(
    "retries a cancellation caused by %s",
    (code) => {
      expect(judgeWriteError(cancelled({ Code: code }, { Code: "None" })).kind).toBe("retryable");
    },
  );

  it("gives up on a ValidationError cancellation", () => {
    const verdict = judgeWriteError(cancelled({ Code: "ValidationError" }, { Code: "None" }));
    expect(verdict).toEqual({ kind: "fatal", reason: expect.stringContaining("ValidationError") });
  });

  it("gives up on a cancellation without reasons", () => {
    expect(judgeWriteError(cancelled()).kind).toBe("fatal");
  });

  it.each([
    ["ThrottlingException", 400, "client"],
    ["ProvisionedThroughputExceededException", 400, "client"],
    ["TransactionInProgressException", 400, "client"],
    ["InternalServerError", 500, "server"],
    ["SomethingNew", 503, "server"],
  ] as const)("retries %s", (name, status, fault) => {
    expect(judgeWriteError(serviceError(name, status, fault)).kind).toBe("retryable");
  });

  it.each([
    ["ValidationException", 400],
    ["ResourceNotFoundException", 400],
    ["AccessDeniedException", 400],
  ])("gives up on %s", (name, status) => {
    expect(judgeWriteError(serviceError(name, status, "client"))).toEqual({
      kind: "fatal",
      reason: expect.stringContaining(name),
    });
  });

  it("retries an error that never got an HTTP answer (network failure)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(judgeWriteError(refused).kind).toBe("retryable");
  });
});
