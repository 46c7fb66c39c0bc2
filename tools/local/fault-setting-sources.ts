import {
  FAULT_PRESETS,
  type FaultSchedule,
  type FaultSettings,
  FaultSettingsError,
  isSeed,
  type ScheduledFault,
} from "../../emulator/faults/fault-settings";

/** The npm start flag and environment variable of each scheduled fault. */
export const SCHEDULED_FAULT_SETTINGS: readonly { fault: ScheduledFault; flag: string; variable: string }[] =
  [
    {
      fault: "crashBeforeWrite",
      flag: "fault-crash-before-write",
      variable: "CQRS_FAULT_CRASH_BEFORE_WRITE",
    },
    { fault: "crashAfterWrite", flag: "fault-crash-after-write", variable: "CQRS_FAULT_CRASH_AFTER_WRITE" },
    { fault: "timeout", flag: "fault-timeout", variable: "CQRS_FAULT_TIMEOUT" },
    {
      fault: "duplicateDelivery",
      flag: "fault-duplicate-delivery",
      variable: "CQRS_FAULT_DUPLICATE_DELIVERY",
    },
    { fault: "redeliver", flag: "fault-redeliver", variable: "CQRS_FAULT_REDELIVER" },
    { fault: "overwriteOrder", flag: "fault-overwrite-order", variable: "CQRS_FAULT_OVERWRITE_ORDER" },
    { fault: "deleteOrder", flag: "fault-delete-order", variable: "CQRS_FAULT_DELETE_ORDER" },
  ];
export const THROTTLE_SETTING = { flag: "fault-throttle", variable: "CQRS_FAULT_THROTTLE" };
export const SEED_SETTING = { flag: "fault-seed", variable: "CQRS_FAULT_SEED" };
export const PRESET_SETTING = { flag: "faults", variable: "CQRS_FAULTS" };

/** node:util parseArgs options for every fault flag. */
export const FAULT_FLAG_OPTIONS = {
  faults: { type: "string" },
  "fault-crash-before-write": { type: "string" },
  "fault-crash-after-write": { type: "string" },
  "fault-timeout": { type: "string" },
  "fault-duplicate-delivery": { type: "string" },
  "fault-redeliver": { type: "string" },
  "fault-overwrite-order": { type: "string" },
  "fault-delete-order": { type: "string" },
  "fault-throttle": { type: "boolean" },
  "fault-seed": { type: "string" },
} as const;

export type FaultFlags = Partial<Record<keyof typeof FAULT_FLAG_OPTIONS, string | boolean | undefined>>;

export const FAULT_USAGE = `Fault injection (around the real handlers; flags override CQRS_FAULT_* variables):
  --faults none|hostile                  preset (CQRS_FAULTS); hostile = crash-before 0.02, crash-after 0.02,
                                         timeout 0.01, duplicate-delivery 0.05, redeliver 0.05, throttle on
  --fault-crash-before-write SCHEDULE    invocation fails before the handler runs (CQRS_FAULT_CRASH_BEFORE_WRITE)
  --fault-crash-after-write SCHEDULE     handler runs, invocation reported failed (CQRS_FAULT_CRASH_AFTER_WRITE)
  --fault-timeout SCHEDULE               handler runs, then Sandbox.Timedout at the timeout (CQRS_FAULT_TIMEOUT)
  --fault-duplicate-delivery SCHEDULE    a successful event is delivered again (CQRS_FAULT_DUPLICATE_DELIVERY)
  --fault-redeliver SCHEDULE             an SQS message is not deleted, comes back (CQRS_FAULT_REDELIVER)
  --fault-overwrite-order SCHEDULE       an accepted order is overwritten in the details table (CQRS_FAULT_OVERWRITE_ORDER)
  --fault-delete-order SCHEDULE          an accepted order is deleted from the details table (CQRS_FAULT_DELETE_ORDER)
  --fault-throttle                       provisioned tables throttle at their WCU (CQRS_FAULT_THROTTLE=on|off)
  --fault-seed N                         seed of the random decisions (CQRS_FAULT_SEED; random by default)
  SCHEDULE is a probability per event (0.05) or every:N (exactly every Nth event).`;

const scheduleForms =
  "a probability from 0 to 1 (e.g. 0.05) or every:N with N a positive integer (e.g. every:20)";

/** Parses "0.05" (probability per event) or "every:N"; `setting` names the flag or variable in errors. */
export function parseFaultSchedule(text: string, setting: string): FaultSchedule {
  const trimmed = text.trim();
  const every = /^every:(\d+)$/.exec(trimmed);
  if (every && Number(every[1]) >= 1 && Number.isSafeInteger(Number(every[1]))) {
    return { every: Number(every[1]) };
  }
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) && Number(trimmed) <= 1) {
    return { rate: Number(trimmed) };
  }
  throw new FaultSettingsError(`${setting} must be ${scheduleForms}, got "${text}"`);
}

export function parseOnOff(text: string, setting: string): boolean {
  const normalized = text.trim().toLowerCase();
  if (["on", "true", "1", "yes"].includes(normalized)) return true;
  if (["off", "false", "0", "no"].includes(normalized)) return false;
  throw new FaultSettingsError(`${setting} must be on or off, got "${text}"`);
}

export function parseSeed(text: string, setting: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed) && isSeed(Number(trimmed))) return Number(trimmed);
  throw new FaultSettingsError(`${setting} must be an integer from 0 to 4294967295, got "${text}"`);
}

export function parsePreset(text: string, setting: string): FaultSettings {
  const preset = FAULT_PRESETS[text.trim()];
  if (preset) return { ...preset };
  throw new FaultSettingsError(
    `${setting} must be one of ${Object.keys(FAULT_PRESETS).join(", ")}, got "${text}"`,
  );
}

/**
 * Fault settings of `npm start`: a preset (--faults / CQRS_FAULTS), then each CQRS_FAULT_* variable,
 * then each flag, later ones overriding earlier ones. Empty variables count as unset.
 */
export function faultSettingsFrom(
  flags: FaultFlags,
  environment: Record<string, string | undefined> = process.env,
): FaultSettings {
  const pick = (setting: { flag: string; variable: string }) => {
    const fromFlag = flags[setting.flag as keyof FaultFlags];
    if (fromFlag !== undefined) return { value: fromFlag, name: `--${setting.flag}` };
    const fromEnvironment = environment[setting.variable];
    if (fromEnvironment !== undefined && fromEnvironment !== "") {
      return { value: fromEnvironment, name: setting.variable };
    }
    return undefined;
  };

  const preset = pick(PRESET_SETTING);
  const settings: FaultSettings = preset ? parsePreset(String(preset.value), preset.name) : {};
  for (const setting of SCHEDULED_FAULT_SETTINGS) {
    const chosen = pick(setting);
    if (chosen) settings[setting.fault] = parseFaultSchedule(String(chosen.value), chosen.name);
  }
  const throttle = pick(THROTTLE_SETTING);
  if (throttle) {
    settings.throttle =
      typeof throttle.value === "boolean" ? throttle.value : parseOnOff(throttle.value, throttle.name);
  }
  const seed = pick(SEED_SETTING);
  if (seed) settings.seed = parseSeed(String(seed.value), seed.name);
  return settings;
}
