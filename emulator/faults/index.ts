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
  FAULT_PRESETS,
  type FaultSchedule,
  type FaultSettings,
  FaultSettingsError,
  HOSTILE_FAULTS,
  type InvocationFault,
  type ScheduledFault,
} from "./fault-settings";
export { writeCapacityByTable } from "./write-capacity";
