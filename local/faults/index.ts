export { describeFaults } from "./describe-faults";
export {
  BURST_SECONDS,
  type CapacityTable,
  type CountsByTable,
  type DynamoDbCapacityProxy,
  type DynamoDbWriteCounters,
  startDynamoDbCapacityProxy,
} from "./dynamodb-capacity-proxy";
export { FaultDecisions } from "./fault-decisions";
export { type FaultCounterScope, type FaultCounters, FaultInjection } from "./fault-injection";
export {
  FAULT_FLAG_OPTIONS,
  FAULT_USAGE,
  type FaultFlags,
  faultSettingsFrom,
  parseFaultSchedule,
} from "./fault-setting-sources";
export {
  FAULT_PRESETS,
  type FaultSchedule,
  type FaultSettings,
  FaultSettingsError,
  HOSTILE_FAULTS,
  type InvocationFault,
  type ScheduledFault,
} from "./fault-settings";
export { writeCapacityByTable } from "./write-capacity";
