import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { DynamoDbStreamEventSource } from "../event-sources/dynamodb-stream-event-source";
import { SqsEventSource } from "../event-sources/sqs-event-source";
import type { FilterPattern, StartingPosition } from "../event-sources/types";
import type { LocalFunction } from "../lambda";
import { assertSupported, UnsupportedConfigurationError } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";
import type { LocalQueue } from "./queues";
import type { LocalTable } from "./tables";

export type LocalEventSource = DynamoDbStreamEventSource | SqsEventSource;

export interface MappingTargets {
  functions: Map<string, LocalFunction>;
  tables: LocalTable[];
  queues: LocalQueue[];
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
}

export interface MappingHooks {
  /** An SQS mapping's choice of which succeeded messages are deleted (fault injection), per function name. */
  sqsDeleteSucceeded?: (functionName: string) => ((succeeded: SQSRecord[]) => SQSRecord[]) | undefined;
}

export interface LocalMapping {
  logicalId: string;
  kind: "dynamodb-stream" | "sqs";
  functionName: string;
  source: LocalEventSource;
}

interface MappingConfig {
  event_source_arn: string;
  function_name: string;
  enabled?: boolean;
  starting_position?: StartingPosition;
  batch_size?: number;
  maximum_batching_window_in_seconds?: number;
  bisect_batch_on_function_error?: boolean;
  maximum_retry_attempts?: number;
  maximum_record_age_in_seconds?: number;
  function_response_types?: string[];
  destination_config?: { on_failure?: { destination_arn?: string } };
  scaling_config?: { maximum_concurrency?: number };
  filter_criteria?: { filter?: { pattern: string }[] };
}

/** The mapping's function, named by ARN or by name as Terraform allows. */
function functionOf(targets: MappingTargets, nameOrArn: string, where: string): LocalFunction {
  for (const fn of targets.functions.values()) {
    if (fn.arn === nameOrArn || fn.name === nameOrArn) return fn;
  }
  throw new UnsupportedConfigurationError(
    `${where}: attribute "function_name" names no local function (${nameOrArn})`,
  );
}

/**
 * One local poller per `aws_lambda_event_source_mapping`, configured with exactly the synthesized
 * settings and AWS's defaults where the stack leaves one out.
 */
export function createEventSourceMappings(
  model: StackModel,
  targets: MappingTargets,
  hooks: MappingHooks = {},
): LocalMapping[] {
  const mappings: LocalMapping[] = [];
  for (const [logicalId, raw] of model.resources("aws_lambda_event_source_mapping")) {
    assertSupported("aws_lambda_event_source_mapping", logicalId, raw);
    const where = `aws_lambda_event_source_mapping.${logicalId}`;
    const config = model.resolved("aws_lambda_event_source_mapping", logicalId) as unknown as MappingConfig;
    if (config.enabled === false) continue;
    const fn = functionOf(targets, config.function_name, where);
    const functionInvoke = (event: unknown) => fn.invoke(event);
    const reportBatchItemFailures = (config.function_response_types ?? []).includes(
      "ReportBatchItemFailures",
    );
    const filterCriteria: FilterPattern[] | undefined = config.filter_criteria?.filter?.map((f) => f.pattern);

    const table = targets.tables.find((t) => t.streamArn === config.event_source_arn);
    const queue = targets.queues.find((q) => q.arn === config.event_source_arn);
    if (table) {
      if (!config.starting_position) {
        throw new UnsupportedConfigurationError(`${where}: a stream mapping needs "starting_position"`);
      }
      const failureArn = config.destination_config?.on_failure?.destination_arn;
      const failureQueue = failureArn ? targets.queues.find((q) => q.arn === failureArn) : undefined;
      if (failureArn && !failureQueue) {
        throw new UnsupportedConfigurationError(
          `${where}: attribute "destination_config.on_failure.destination_arn" must be a local SQS queue (${failureArn})`,
        );
      }
      mappings.push({
        logicalId,
        kind: "dynamodb-stream",
        functionName: fn.name,
        source: new DynamoDbStreamEventSource({
          streamArn: table.streamArn as string,
          functionArn: fn.arn,
          functionInvoke,
          region: model.region,
          batchSize: config.batch_size ?? 100,
          maximumBatchingWindowInSeconds: config.maximum_batching_window_in_seconds ?? 0,
          startingPosition: config.starting_position,
          bisectBatchOnFunctionError: config.bisect_batch_on_function_error ?? false,
          maximumRetryAttempts: config.maximum_retry_attempts ?? -1,
          maximumRecordAgeInSeconds: config.maximum_record_age_in_seconds ?? -1,
          reportBatchItemFailures,
          onFailure: failureQueue ? { queueUrl: failureQueue.url } : undefined,
          filterCriteria,
          streamsClient: targets.streams,
          sqsClient: targets.sqs,
        }),
      });
    } else if (queue) {
      for (const streamOnly of [
        "starting_position",
        "bisect_batch_on_function_error",
        "maximum_retry_attempts",
        "maximum_record_age_in_seconds",
        "destination_config",
      ] as const) {
        if (config[streamOnly] !== undefined) {
          throw new UnsupportedConfigurationError(
            `${where}: attribute "${streamOnly}" is not valid for an SQS source`,
          );
        }
      }
      mappings.push({
        logicalId,
        kind: "sqs",
        functionName: fn.name,
        source: new SqsEventSource({
          queueUrl: queue.url,
          queueArn: queue.arn,
          functionInvoke,
          region: model.region,
          batchSize: config.batch_size ?? 10,
          maximumBatchingWindowInSeconds: config.maximum_batching_window_in_seconds ?? 0,
          maximumConcurrency: config.scaling_config?.maximum_concurrency,
          reportBatchItemFailures,
          filterCriteria,
          sqsClient: targets.sqs,
          deleteSucceeded: hooks.sqsDeleteSucceeded?.(fn.name),
        }),
      });
    } else {
      throw new UnsupportedConfigurationError(
        `${where}: attribute "event_source_arn" is neither a local table stream nor a local queue (${config.event_source_arn})`,
      );
    }
  }
  return mappings;
}
