/** A fault fires at random with this probability per event, or exactly on every Nth event. */
export type FaultSchedule = { rate: number } | { every: number };

/** Faults injected around each function invocation (the handler code is never changed). */
export type InvocationFault = "crashBeforeWrite" | "crashAfterWrite" | "timeout" | "duplicateDelivery";

/** Another writer changing an order the API just accepted, straight in the details table. */
export type OrderMutationFault = "overwriteOrder" | "deleteOrder";

/**
 * Faults decided per event: invocations, messages of a successful SQS batch (redeliver), or orders
 * the API accepted (order mutations).
 */
export type ScheduledFault = InvocationFault | "redeliver" | OrderMutationFault;

export const SCHEDULED_FAULTS: readonly ScheduledFault[] = [
  "crashBeforeWrite",
  "crashAfterWrite",
  "timeout",
  "duplicateDelivery",
  "redeliver",
  "overwriteOrder",
  "deleteOrder",
];

export interface FaultSettings {
  /** The invocation fails without running the handler. Events: invocations. */
  crashBeforeWrite?: FaultSchedule;
  /** The handler runs (its writes happen), then the invocation is reported failed. Events: invocations that ran. */
  crashAfterWrite?: FaultSchedule;
  /** The handler runs, then the invocation is held until the function's timeout: Sandbox.Timedout. */
  timeout?: FaultSchedule;
  /** A successful invocation's event is delivered again. Events: successful invocations. */
  duplicateDelivery?: FaultSchedule;
  /** A successfully processed SQS message is not deleted and comes back after the visibility timeout. */
  redeliver?: FaultSchedule;
  /** An accepted order is overwritten (new quantity) in the details table soon after: a MODIFY. Events: accepted orders. */
  overwriteOrder?: FaultSchedule;
  /** An accepted order is deleted from the details table soon after: a REMOVE. Events: accepted orders. */
  deleteOrder?: FaultSchedule;
  /** Provisioned tables answer ProvisionedThroughputExceededException beyond their write capacity. */
  throttle?: boolean;
  /** Seed of every random decision: the same seed gives the same decisions per function. */
  seed?: number;
}

/** Moderate rates: every fault shows up within a few hundred orders, and everything still converges. */
export const HOSTILE_FAULTS: Readonly<FaultSettings> = {
  crashBeforeWrite: { rate: 0.02 },
  crashAfterWrite: { rate: 0.02 },
  timeout: { rate: 0.01 },
  duplicateDelivery: { rate: 0.05 },
  redeliver: { rate: 0.05 },
  throttle: true,
};

export const FAULT_PRESETS: Readonly<Record<string, Readonly<FaultSettings>>> = {
  none: {},
  hostile: HOSTILE_FAULTS,
};

export class FaultSettingsError extends Error {
  override name = "FaultSettingsError";
}

/** True when the schedule can fire at all. */
export function isActive(schedule: FaultSchedule | undefined): schedule is FaultSchedule {
  if (!schedule) return false;
  return "every" in schedule || schedule.rate > 0;
}

export function describeSchedule(schedule: FaultSchedule): string {
  return "every" in schedule ? `every:${schedule.every}` : String(schedule.rate);
}

/** Throws FaultSettingsError unless every schedule and the seed are valid. */
export function validateFaultSettings(settings: FaultSettings): FaultSettings {
  for (const fault of SCHEDULED_FAULTS) {
    const schedule = settings[fault];
    if (schedule === undefined) continue;
    if ("every" in schedule) {
      if (!Number.isInteger(schedule.every) || schedule.every < 1) {
        throw new FaultSettingsError(
          `faults.${fault}.every must be a positive integer, got ${schedule.every}`,
        );
      }
    } else if (!(schedule.rate >= 0 && schedule.rate <= 1)) {
      throw new FaultSettingsError(
        `faults.${fault}.rate must be a probability from 0 to 1, got ${schedule.rate}`,
      );
    }
  }
  if (settings.seed !== undefined && !isSeed(settings.seed)) {
    throw new FaultSettingsError(`faults.seed must be an integer from 0 to 4294967295, got ${settings.seed}`);
  }
  return settings;
}

export function isSeed(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
