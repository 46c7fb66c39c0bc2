import {
  describeSchedule,
  type FaultSettings,
  isActive,
  SCHEDULED_FAULTS,
} from "../../emulator/faults/fault-settings";

const LABELS: Record<(typeof SCHEDULED_FAULTS)[number], string> = {
  crashBeforeWrite: "crash-before-write",
  crashAfterWrite: "crash-after-write",
  timeout: "timeout",
  duplicateDelivery: "duplicate-delivery",
  redeliver: "redeliver",
  overwriteOrder: "overwrite-order",
  deleteOrder: "delete-order",
};

/** One line for `npm start`: which faults are on, at what rate, and the seed that repeats the run. */
export function describeFaults(settings: FaultSettings, seed: number): string {
  const on = SCHEDULED_FAULTS.flatMap((fault) => {
    const schedule = settings[fault];
    return isActive(schedule) ? [`${LABELS[fault]} ${describeSchedule(schedule)}`] : [];
  });
  if (settings.throttle) on.push("throttle (provisioned tables at their write capacity)");
  if (on.length === 0) return "faults: none";
  return `faults: ${on.join(", ")}; seed ${seed} (CQRS_FAULT_SEED=${seed} repeats the decisions)`;
}
