import { DynamodbTable, type DynamodbTableConfig } from "@cdktf/provider-aws/lib/dynamodb-table";
import {
  LambdaEventSourceMapping,
  type LambdaEventSourceMappingConfig,
} from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { ProjectionGuardrails } from "../../../stacks/aspects/projection-guardrails";

const GOOD_STREAM_MAPPING: LambdaEventSourceMappingConfig = {
  eventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/details/stream/x",
  functionName: "project-summary",
  startingPosition: "TRIM_HORIZON",
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 5,
  maximumRecordAgeInSeconds: 3600,
  functionResponseTypes: ["ReportBatchItemFailures"],
  destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:123456789012:failures" } },
};
const GOOD_QUEUE_MAPPING: LambdaEventSourceMappingConfig = {
  eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:updates",
  functionName: "apply-summary",
  functionResponseTypes: ["ReportBatchItemFailures"],
  scalingConfig: { maximumConcurrency: 2 },
};
const GOOD_TABLE: DynamodbTableConfig = {
  name: "summary",
  hashKey: "accountid",
  attribute: [{ name: "accountid", type: "S" }],
  billingMode: "PAY_PER_REQUEST",
  pointInTimeRecovery: { enabled: true },
};

function synthWith(build: (stack: TerraformStack) => void): () => void {
  const stack = new TerraformStack(Testing.app(), "guarded");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  Aspects.of(stack).add(new ProjectionGuardrails());
  build(stack);
  return () => Testing.fullSynth(stack);
}

describe("ProjectionGuardrails", () => {
  test("lets a well-configured projection through", () => {
    const synth = synthWith((stack) => {
      new LambdaEventSourceMapping(stack, "stream", GOOD_STREAM_MAPPING);
      new LambdaEventSourceMapping(stack, "queue", GOOD_QUEUE_MAPPING);
      new DynamodbTable(stack, "table", GOOD_TABLE);
    });
    expect(synth).not.toThrow();
  });

  test.each([
    ["bisect off", { bisectBatchOnFunctionError: false }, "bisect_batch_on_function_error must be true"],
    ["infinite retries", { maximumRetryAttempts: -1 }, "maximum_retry_attempts must be set and finite"],
    ["no record age", { maximumRecordAgeInSeconds: undefined }, "maximum_record_age_in_seconds must be set"],
    [
      "no on-failure destination",
      { destinationConfig: undefined },
      "destination_config.on_failure must name",
    ],
    ["no item failure reports", { functionResponseTypes: [] }, "function_response_types must include"],
  ])("refuses a stream mapping with %s", (_case, change, message) => {
    const synth = synthWith(
      (stack) => new LambdaEventSourceMapping(stack, "stream", { ...GOOD_STREAM_MAPPING, ...change }),
    );
    expect(synth).toThrow(message);
  });

  test("refuses a queue mapping without bounded concurrency", () => {
    const synth = synthWith(
      (stack) =>
        new LambdaEventSourceMapping(stack, "queue", { ...GOOD_QUEUE_MAPPING, scalingConfig: undefined }),
    );
    expect(synth).toThrow("scaling_config.maximum_concurrency must bound the consumer");
  });

  test("refuses a table without point-in-time recovery, naming it", () => {
    const synth = synthWith(
      (stack) =>
        new DynamodbTable(stack, "table", { ...GOOD_TABLE, pointInTimeRecovery: { enabled: false } }),
    );
    expect(synth).toThrow(/guarded\/table.*point_in_time_recovery must be enabled/);
  });
});
