import type { Attributes, SynthesizedStack } from "../../emulator/terraform/terraform-document";
import { OUTPUTS } from "../../stacks/outputs";

/**
 * The settings of one projection stack that decide its write cost and its limits, as synthesized: read
 * back from its cdk.tf.json (unlike stacks/config.ts's ProjectionSettings, the capacities a stack is given).
 */
export interface SynthesizedProjectionSettings {
  stack: string;
  summaryTable: { name: string; readCapacity: number; writeCapacity: number };
  /** Every event source mapping: what it reads, which function it feeds, how it batches. */
  mappings: MappingSettings[];
  /** The queue between the two sides (queued-projection only). */
  queue?: {
    name: string;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    messageRetentionSeconds: number;
  };
}

export interface MappingSettings {
  source: "dynamodb-stream" | "sqs";
  functionName: string;
  functionTimeoutSeconds: number;
  batchSize: number;
  batchingWindowSeconds: number;
  /** SQS: scaling_config.maximum_concurrency. */
  maximumConcurrency?: number;
  /** Stream: retries before the batch goes to the on-failure destination. */
  maximumRetryAttempts?: number;
  /** Stream: records older than this go to the on-failure destination unprocessed. */
  maximumRecordAgeSeconds?: number;
}

export class ProjectionSettingsError extends Error {
  override name = "ProjectionSettingsError";
}

/** `${aws_type.logical_id.attribute}` -> its type and logical id. */
function reference(value: unknown, where: string): { type: string; id: string } {
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(String(value));
  if (!match) throw new ProjectionSettingsError(`${where}: expected a resource reference, got ${value}`);
  return { type: match[1], id: match[2] };
}

function resourceOf(stack: SynthesizedStack, type: string, id: string): Attributes {
  const attributes = stack.document.resource?.[type]?.[id];
  if (!attributes) throw new ProjectionSettingsError(`stack ${stack.name} has no ${type}.${id}`);
  return attributes;
}

function numberOf(attributes: Attributes, name: string, where: string): number {
  const value = attributes[name];
  if (typeof value !== "number") throw new ProjectionSettingsError(`${where}.${name} is not a number`);
  return value;
}

/**
 * Reads a projection stack's capacities, batching and queue settings straight from its cdk.tf.json,
 * so that the demo and the bench use what would be deployed, never a parallel copy.
 */
export function projectionSettings(stack: SynthesizedStack): SynthesizedProjectionSettings {
  const resources = stack.document.resource ?? {};
  const summaryOutput = stack.document.output?.[OUTPUTS.summaryTableName]?.value;
  const summaryRef = reference(summaryOutput, `${stack.name} output ${OUTPUTS.summaryTableName}`);
  const summary = resourceOf(stack, summaryRef.type, summaryRef.id);
  const summaryWhere = `${summaryRef.type}.${summaryRef.id}`;

  const mappings = Object.entries(resources.aws_lambda_event_source_mapping ?? {}).map(
    ([id, mapping]): MappingSettings => {
      const where = `aws_lambda_event_source_mapping.${id}`;
      const source = reference(mapping.event_source_arn, `${where}.event_source_arn`);
      const fn = reference(mapping.function_name, `${where}.function_name`);
      const fnAttributes = resourceOf(stack, fn.type, fn.id);
      const scaling = mapping.scaling_config as { maximum_concurrency?: number } | undefined;
      return {
        source: source.type === "aws_sqs_queue" ? "sqs" : "dynamodb-stream",
        functionName: String(fnAttributes.function_name),
        functionTimeoutSeconds: numberOf(fnAttributes, "timeout", `${fn.type}.${fn.id}`),
        batchSize: numberOf(mapping, "batch_size", where),
        batchingWindowSeconds: Number(mapping.maximum_batching_window_in_seconds ?? 0),
        maximumConcurrency: scaling?.maximum_concurrency,
        maximumRetryAttempts:
          typeof mapping.maximum_retry_attempts === "number" ? mapping.maximum_retry_attempts : undefined,
        maximumRecordAgeSeconds:
          typeof mapping.maximum_record_age_in_seconds === "number"
            ? mapping.maximum_record_age_in_seconds
            : undefined,
      };
    },
  );

  const queueMapping = Object.values(resources.aws_lambda_event_source_mapping ?? {}).find((mapping) =>
    String(mapping.event_source_arn).startsWith("${aws_sqs_queue."),
  );
  let queue: SynthesizedProjectionSettings["queue"];
  if (queueMapping) {
    const ref = reference(queueMapping.event_source_arn, "queue mapping event_source_arn");
    const attributes = resourceOf(stack, ref.type, ref.id);
    const redrive = JSON.parse(String(attributes.redrive_policy ?? "{}")) as { maxReceiveCount?: number };
    queue = {
      name: String(attributes.name),
      visibilityTimeoutSeconds: numberOf(attributes, "visibility_timeout_seconds", `${ref.type}.${ref.id}`),
      maxReceiveCount: Number(redrive.maxReceiveCount),
      // SQS's default retention when the attribute is not set: 4 days.
      messageRetentionSeconds: Number(attributes.message_retention_seconds ?? 345_600),
    };
  }

  return {
    stack: stack.name,
    summaryTable: {
      name: String(summary.name),
      readCapacity: numberOf(summary, "read_capacity", summaryWhere),
      writeCapacity: numberOf(summary, "write_capacity", summaryWhere),
    },
    mappings,
    queue,
  };
}

/** The mapping whose function writes the summary table: the stream's (direct) or the queue's (queued). */
export function summaryWriterMapping(settings: SynthesizedProjectionSettings): MappingSettings {
  const mapping = settings.mappings.find((m) => m.source === "sqs") ?? settings.mappings[0];
  if (!mapping) throw new ProjectionSettingsError(`stack ${settings.stack} has no event source mapping`);
  return mapping;
}
