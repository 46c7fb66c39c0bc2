import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { Annotations, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

const REPORT_ITEM_FAILURES = "ReportBatchItemFailures";

/** What a stream mapping must have so that one bad record neither blocks its shard nor vanishes. */
function streamMappingProblems(mapping: LambdaEventSourceMapping): string[] {
  const problems: string[] = [];
  if (mapping.bisectBatchOnFunctionErrorInput !== true)
    problems.push("bisect_batch_on_function_error must be true");
  const retries = mapping.maximumRetryAttemptsInput;
  if (retries === undefined || retries < 0)
    problems.push("maximum_retry_attempts must be set and finite (-1 retries forever)");
  const age = mapping.maximumRecordAgeInSecondsInput;
  if (age === undefined || age < 0) problems.push("maximum_record_age_in_seconds must be set and finite");
  if (!mapping.destinationConfigInput?.onFailure?.destinationArn) {
    problems.push("destination_config.on_failure must name a queue or topic, or failed batches vanish");
  }
  return problems;
}

/** What a queue mapping must have so that the consumer protects the table it writes. */
function queueMappingProblems(mapping: LambdaEventSourceMapping): string[] {
  return mapping.scalingConfigInput?.maximumConcurrency === undefined
    ? ["scaling_config.maximum_concurrency must bound the consumer (it protects the summary table)"]
    : [];
}

/**
 * Fails synthesis when a projection resource loses a property the design relies on: per-item failure
 * reports and bounded, recorded failures on every mapping; bounded concurrency on queue consumers;
 * point-in-time recovery on every table. Applied to both stacks, so that a change (or a copy of these
 * constructs) cannot drop them silently.
 */
export class ProjectionGuardrails implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof LambdaEventSourceMapping) {
      const isStream = node.startingPositionInput !== undefined;
      const problems = isStream ? streamMappingProblems(node) : queueMappingProblems(node);
      if (!(node.functionResponseTypesInput ?? []).includes(REPORT_ITEM_FAILURES)) {
        problems.push(`function_response_types must include ${REPORT_ITEM_FAILURES}`);
      }
      for (const problem of problems) Annotations.of(node).addError(`event source mapping: ${problem}`);
    }
    if (node instanceof DynamodbTable && node.pointInTimeRecoveryInput?.enabled !== true) {
      Annotations.of(node).addError("DynamoDB table: point_in_time_recovery must be enabled");
    }
  }
}
