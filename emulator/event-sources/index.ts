export { DynamoDbStreamEventSource } from "./dynamodb-stream-event-source";
export { SqsEventSource } from "./sqs-event-source";
export { streamFailureMessage } from "./stream-failure-destination";
export type {
  DynamoDbStreamEventSourceConfig,
  DynamoDbStreamEventSourceStats,
  FilterPattern,
  SqsEventSourceConfig,
  SqsEventSourceStats,
  StartingPosition,
} from "./types";
