import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Construct } from "constructs";

/** The longest retention SQS allows: failed messages wait this long for an operator. */
export const FOURTEEN_DAYS_SECONDS = 14 * 24 * 3600;

export interface QueueWithDeadLetterProps {
  /** Name of the queue; the dead-letter queue is `<name>-dlq`. */
  readonly name: string;
  /** At least 6x the consumer's timeout plus its batching window (AWS guidance). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** @default 4 days (SQS default) */
  readonly messageRetentionSeconds?: number;
}

/** A standard queue with SSE and a redrive policy to a dead-letter queue that allows redrive back. */
export class QueueWithDeadLetter extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: QueueWithDeadLetterProps) {
    super(scope, id);

    this.deadLetterQueue = new SqsQueue(this, "dead-letter", {
      name: `${props.name}-dlq`,
      messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
      sqsManagedSseEnabled: true,
    });

    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 4 * 24 * 3600,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount,
      }),
    });

    new SqsQueueRedriveAllowPolicy(this, "redrive-allow", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({
        redrivePermission: "byQueue",
        sourceQueueArns: [this.queue.arn],
      }),
    });
  }
}

/** A standard queue receiving what a stream mapping gave up on (metadata of the failed batch). */
export function failureDestinationQueue(scope: Construct, id: string, name: string): SqsQueue {
  return new SqsQueue(scope, id, {
    name,
    messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
    sqsManagedSseEnabled: true,
  });
}
