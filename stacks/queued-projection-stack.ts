import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { Construct } from "constructs";
import { WRITE_BUDGET_VARIABLE } from "../functions/summary/write-budget";
import { MAX_RECORDS_PER_BATCH, type ProjectConfig } from "./config";
import { ProjectionAlarms } from "./constructs/alarms";
import { BundledFunction } from "./constructs/bundled-function";
import { DeadLetterRedriveRole } from "./constructs/dead-letter-redrive";
import { keyUseStatements } from "./constructs/key-use";
import { FAILURE_QUEUE_EXPIRY_WARNING_SECONDS, QueueWithDeadLetter } from "./constructs/queue";
import { StreamSubscription } from "./constructs/stream-subscription";
import { OUTPUTS } from "./outputs";
import { ProjectionStack } from "./projection-stack";

export const QUEUED_STACK_NAME = "queued-projection";

/** AWS guidance: visibility timeout of at least six times the consumer's timeout, plus its batching window. */
export function visibilityTimeoutFor(consumerTimeoutSeconds: number, batchingWindowSeconds: number): number {
  return 6 * consumerTimeoutSeconds + batchingWindowSeconds;
}

/**
 * Write units per second each apply-summary invocation may spend: the summary table's write capacity
 * shared by the most invocations the queue mapping runs at once, so together they are never throttled.
 */
export function applyWriteUnitsPerSecond(config: ProjectConfig): number {
  return config.queued.summaryWriteCapacity / config.queue.maximumConcurrency;
}

/**
 * details stream -> forward-to-queue -> SQS (DLQ) -> apply-summary (bounded concurrency) -> summary table.
 * The stream side scales with the writes; the summary side scales with what the summary table can take.
 */
export class QueuedProjectionStack extends ProjectionStack {
  public readonly forwarder: BundledFunction;
  public readonly applier: BundledFunction;
  public readonly updates: QueueWithDeadLetter;
  public readonly subscription: StreamSubscription;
  public readonly queueMapping: LambdaEventSourceMapping;
  public readonly redriver: DeadLetterRedriveRole;

  constructor(scope: Construct, config: ProjectConfig) {
    super(scope, QUEUED_STACK_NAME, "queued", config, config.queued);

    this.updates = new QueueWithDeadLetter(this, "summary-updates", {
      name: `${this.namePrefix}-summary-updates`,
      visibilityTimeoutSeconds: visibilityTimeoutFor(
        config.functionTimeoutSeconds,
        config.queue.maximumBatchingWindowInSeconds,
      ),
      maxReceiveCount: config.queue.maxReceiveCount,
      encryption: config.encryption,
    });

    this.forwarder = new BundledFunction(this, "forward-to-queue", {
      entry: "forward-to-queue",
      functionName: `${this.namePrefix}-forward-to-queue`,
      roleName: this.roleName("forward-to-queue"),
      environment: {
        SUMMARY_QUEUE_URL: this.updates.queue.url,
        POWERTOOLS_SERVICE_NAME: "forward-to-queue",
        POWERTOOLS_LOG_LEVEL: "INFO",
      },
      timeoutSeconds: config.functionTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      permissions: [
        { actions: ["sqs:SendMessage"], resources: [this.updates.queue.arn] },
        ...keyUseStatements(config.encryption.kmsKeyArn, ["sqs-send"]),
      ],
    });
    this.redriver = new DeadLetterRedriveRole(this, "dlq-redrive", {
      roleName: this.roleName("dlq-redrive"),
      partition: this.partition,
      deadLetterQueue: this.updates.deadLetterQueue,
      destinationQueue: this.updates.queue,
      kmsKeyArn: config.encryption.kmsKeyArn,
    });

    this.subscription = new StreamSubscription(this, "details-stream", {
      table: this.tables.details,
      consumer: this.forwarder,
      settings: {
        ...config.stream,
        batchSize: MAX_RECORDS_PER_BATCH,
        maximumBatchingWindowInSeconds: config.queue.streamBatchingWindowInSeconds,
      },
      failureQueueName: `${this.namePrefix}-forwarding-failures`,
      kmsKeyArn: config.encryption.kmsKeyArn,
    });

    this.applier = new BundledFunction(this, "apply-summary", {
      entry: "apply-summary",
      functionName: `${this.namePrefix}-apply-summary`,
      roleName: this.roleName("apply-summary"),
      environment: {
        ...this.summaryWriterEnvironment("apply-summary"),
        [WRITE_BUDGET_VARIABLE]: String(applyWriteUnitsPerSecond(config)),
        // Messages near the DLQ that the write budget cannot pay for go back to the queue as new messages.
        SUMMARY_QUEUE_URL: this.updates.queue.url,
        SUMMARY_QUEUE_MAX_RECEIVE_COUNT: String(config.queue.maxReceiveCount),
      },
      timeoutSeconds: config.functionTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      permissions: [
        ...this.summaryWriterPermissions(),
        { actions: ["sqs:SendMessage"], resources: [this.updates.queue.arn] },
        ...keyUseStatements(config.encryption.kmsKeyArn, ["sqs-send"]),
      ],
    });
    this.updates.sendOnlyFrom([
      this.forwarder.role.arn,
      this.applier.role.arn,
      this.redriver.role.arn,
      ...config.queue.redriveRoleArns,
    ]);
    const consumePermissions = this.applier.grant("consume-summary-updates", [
      {
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        resources: [this.updates.queue.arn],
      },
      // The DLQ uses the same key as the queue.
      ...keyUseStatements(config.encryption.kmsKeyArn, ["sqs-receive", "sqs-dead-letter"]),
    ]);

    this.queueMapping = new LambdaEventSourceMapping(this, "summary-updates-mapping", {
      eventSourceArn: this.updates.queue.arn,
      functionName: this.applier.function.arn,
      batchSize: config.queue.batchSize,
      maximumBatchingWindowInSeconds: config.queue.maximumBatchingWindowInSeconds,
      scalingConfig: { maximumConcurrency: config.queue.maximumConcurrency },
      functionResponseTypes: ["ReportBatchItemFailures"],
      dependsOn: [this.applier.function, this.applier.permissions, consumePermissions],
    });

    new ProjectionAlarms(this, "alarms", {
      namePrefix: this.namePrefix,
      failureQueues: [
        {
          queue: this.updates.deadLetterQueue,
          expiryWarningSeconds: this.updates.deadLetterExpiryWarningSeconds,
        },
        { queue: this.subscription.failureQueue, expiryWarningSeconds: FAILURE_QUEUE_EXPIRY_WARNING_SECONDS },
      ],
      workQueue: this.updates.queue,
      api: this.api,
      summaryTable: this.tables.summary,
      functions: [this.forwarder.function, this.applier.function],
      streamConsumer: this.forwarder.function,
      alarmTopicArn: config.alarmTopicArn,
    });

    this.output(
      OUTPUTS.summaryUpdatesQueueUrl,
      this.updates.queue.url,
      "Summary updates waiting to be applied",
    );
    this.output(
      OUTPUTS.summaryUpdatesDlqUrl,
      this.updates.deadLetterQueue.url,
      "Updates that failed maxReceiveCount times",
    );
    this.output(
      OUTPUTS.summaryUpdatesDlqArn,
      this.updates.deadLetterQueue.arn,
      "Source ARN of a DLQ redrive (aws sqs start-message-move-task --source-arn)",
    );
    this.output(
      OUTPUTS.dlqRedriveRoleArn,
      this.redriver.role.arn,
      "Role that may redrive the DLQ into summary-updates; assume it to run the redrive",
    );
    this.output(
      OUTPUTS.failureQueueUrl,
      this.subscription.failureQueue.url,
      "Stream batches the forwarder gave up on",
    );
  }
}
