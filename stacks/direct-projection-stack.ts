import type { Construct } from "constructs";
import type { ProjectConfig } from "./config";
import { ProjectionAlarms } from "./constructs/alarms";
import { BundledFunction } from "./constructs/bundled-function";
import { FAILURE_QUEUE_EXPIRY_WARNING_SECONDS } from "./constructs/queue";
import { StreamSubscription } from "./constructs/stream-subscription";
import { OUTPUTS } from "./outputs";
import { ProjectionStack } from "./projection-stack";

export const DIRECT_STACK_NAME = "direct-projection";

/** details stream -> project-summary -> summary table. Simple, but the writer scales with the stream. */
export class DirectProjectionStack extends ProjectionStack {
  public readonly projector: BundledFunction;
  public readonly subscription: StreamSubscription;

  constructor(scope: Construct, config: ProjectConfig) {
    super(scope, DIRECT_STACK_NAME, "direct", config, config.direct);

    this.projector = new BundledFunction(this, "project-summary", {
      entry: "project-summary",
      functionName: `${this.namePrefix}-project-summary`,
      roleName: this.roleName("project-summary"),
      environment: this.summaryWriterEnvironment("project-summary"),
      timeoutSeconds: config.functionTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      permissions: this.summaryWriterPermissions(),
    });

    this.subscription = new StreamSubscription(this, "details-stream", {
      table: this.tables.details,
      consumer: this.projector,
      settings: config.stream,
      failureQueueName: `${this.namePrefix}-projection-failures`,
      kmsKeyArn: config.encryption.kmsKeyArn,
    });

    new ProjectionAlarms(this, "alarms", {
      namePrefix: this.namePrefix,
      failureQueues: [
        { queue: this.subscription.failureQueue, expiryWarningSeconds: FAILURE_QUEUE_EXPIRY_WARNING_SECONDS },
      ],
      api: this.api,
      summaryTable: this.tables.summary,
      functions: [this.projector.function],
      streamConsumer: this.projector.function,
      alarmTopicArn: config.alarmTopicArn,
    });

    this.output(
      OUTPUTS.failureQueueUrl,
      this.subscription.failureQueue.url,
      "Batches the projection gave up on",
    );
  }
}
