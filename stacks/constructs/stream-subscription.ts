import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import type { StreamMappingSettings } from "../config";
import type { BundledFunction } from "./bundled-function";
import { failureDestinationQueue } from "./queue";

export interface StreamSubscriptionProps {
  /** Table whose stream feeds the function. */
  readonly table: DynamodbTable;
  readonly consumer: BundledFunction;
  readonly settings: StreamMappingSettings;
  /** Name of the queue receiving batches the mapping gave up on. */
  readonly failureQueueName: string;
}

/**
 * A table's stream delivered to a function: bounded retries, bisection, per-record failure reports,
 * and an on-failure queue so that no batch is dropped silently.
 */
export class StreamSubscription extends Construct {
  public readonly mapping: LambdaEventSourceMapping;
  public readonly failureQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: StreamSubscriptionProps) {
    super(scope, id);

    this.failureQueue = failureDestinationQueue(this, "on-failure", props.failureQueueName);

    const permissions = props.consumer.grant("read-stream-and-report-failures", [
      {
        actions: [
          "dynamodb:DescribeStream",
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:ListStreams",
        ],
        resources: [props.table.streamArn],
      },
      { actions: ["sqs:SendMessage"], resources: [this.failureQueue.arn] },
    ]);

    this.mapping = new LambdaEventSourceMapping(this, "mapping", {
      eventSourceArn: props.table.streamArn,
      functionName: props.consumer.function.arn,
      startingPosition: "TRIM_HORIZON",
      batchSize: props.settings.batchSize,
      maximumBatchingWindowInSeconds: props.settings.maximumBatchingWindowInSeconds,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: props.settings.maximumRetryAttempts,
      maximumRecordAgeInSeconds: props.settings.maximumRecordAgeInSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: this.failureQueue.arn } },
      dependsOn: [props.consumer.function, props.consumer.permissions, permissions],
    });
  }
}
