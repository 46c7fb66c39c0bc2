/** An order attribute holds a value no order can have (for example a negative or fractional quantity). */
export class InvalidOrderError extends Error {
  override name = "InvalidOrderError";

  constructor(
    readonly attribute: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`Invalid order ${attribute} ${JSON.stringify(value)}: ${reason}`);
  }
}

/** A change record the summary cannot be computed from (missing or invalid attributes). */
export class UnprocessableRecordError extends Error {
  override name = "UnprocessableRecordError";

  constructor(
    readonly eventId: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot project record ${eventId ?? "<no eventID>"}: ${reason}`, options);
  }
}
