import { SqsQueue, type SqsQueueConfig } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Construct } from "constructs";

const DAY_SECONDS = 24 * 3600;

/** The longest retention SQS allows: failed messages wait this long for an operator. */
export const FOURTEEN_DAYS_SECONDS = 14 * DAY_SECONDS;

/**
 * Retention of a queue with a dead-letter queue. A standard queue's message keeps its original enqueue
 * timestamp when it moves to the DLQ, and its expiry counts from there
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html),
 * so the work queue keeps 10 days and a message moved at the last moment still has 4 days in the 14-day DLQ.
 * The backlog-age alarm fires after an hour, days before anything could expire.
 */
export const WORK_QUEUE_RETENTION_SECONDS = 10 * DAY_SECONDS;

/** How long before the earliest possible expiry the age alarm of a failure queue warns. */
export const EXPIRY_WARNING_SECONDS = DAY_SECONDS;

/** Every queue: SQS-managed SSE, or the customer managed key when one is configured. */
export interface QueueEncryption {
  readonly kmsKeyArn?: string;
}

function encryptionOf(
  encryption: QueueEncryption,
): Pick<SqsQueueConfig, "sqsManagedSseEnabled" | "kmsMasterKeyId"> {
  return encryption.kmsKeyArn ? { kmsMasterKeyId: encryption.kmsKeyArn } : { sqsManagedSseEnabled: true };
}

/** Who may send to a queue: the given role ARN patterns, or nobody (a DLQ that only SQS itself fills). */
export type Senders = { readonly roleArns: readonly string[] } | "nobody";

/**
 * The policy of every queue: any request without TLS is denied (the `aws:SecureTransport` statement of
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html),
 * and SendMessage (which also authorizes SendMessageBatch) is denied to every principal but the senders.
 * Nothing is allowed here: the roles' own IAM policies grant what they do.
 */
export function queuePolicyDocument(queueArn: string, senders: Senders): string {
  const denySend =
    senders === "nobody"
      ? {
          Sid: "NoDirectSends",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: queueArn,
        }
      : {
          Sid: "SendOnlyFromProducers",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: queueArn,
          Condition: { ArnNotLike: { "aws:PrincipalArn": [...senders.roleArns] } },
        };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      denySend,
    ],
  });
}

export interface QueueWithDeadLetterProps {
  /** Name of the queue; the dead-letter queue is `<name>-dlq`. */
  readonly name: string;
  /** At least 6x the consumer's timeout plus its batching window (AWS guidance). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly encryption: QueueEncryption;
}

/**
 * A standard queue with a redrive policy to a dead-letter queue that allows redrive back only from it.
 * Its senders are set once the producer exists (`sendOnlyFrom`); the DLQ accepts no direct sends at all,
 * SQS moves messages into it itself under the redrive allow policy.
 */
export class QueueWithDeadLetter extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  /** Age of the DLQ's oldest message at which it alarms: a day before a message there can expire. */
  public readonly deadLetterExpiryWarningSeconds =
    FOURTEEN_DAYS_SECONDS - WORK_QUEUE_RETENTION_SECONDS - EXPIRY_WARNING_SECONDS;

  constructor(scope: Construct, id: string, props: QueueWithDeadLetterProps) {
    super(scope, id);

    this.deadLetterQueue = new SqsQueue(this, "dead-letter", {
      name: `${props.name}-dlq`,
      messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
      ...encryptionOf(props.encryption),
    });

    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      messageRetentionSeconds: WORK_QUEUE_RETENTION_SECONDS,
      ...encryptionOf(props.encryption),
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
    new SqsQueuePolicy(this, "dead-letter-policy", {
      queueUrl: this.deadLetterQueue.url,
      policy: queuePolicyDocument(this.deadLetterQueue.arn, "nobody"),
    });
  }

  /** The queue's policy: TLS only, and sends only from these roles (the producer, then DLQ redrivers). */
  public sendOnlyFrom(roleArns: readonly string[]): SqsQueuePolicy {
    return new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: this.queue.url,
      policy: queuePolicyDocument(this.queue.arn, { roleArns }),
    });
  }
}

export interface FailureDestinationProps {
  readonly name: string;
  /** The role the event source mapping sends with: the consumer function's execution role. */
  readonly producerRoleArn: string;
  readonly encryption: QueueEncryption;
}

/** Age of a failure queue's oldest message at which it alarms: a day before it expires. */
export const FAILURE_QUEUE_EXPIRY_WARNING_SECONDS = FOURTEEN_DAYS_SECONDS - EXPIRY_WARNING_SECONDS;

/** A queue receiving what a stream mapping gave up on (metadata of the failed batch), and its policy. */
export function failureDestinationQueue(
  scope: Construct,
  id: string,
  props: FailureDestinationProps,
): SqsQueue {
  const queue = new SqsQueue(scope, id, {
    name: props.name,
    messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
    ...encryptionOf(props.encryption),
  });
  new SqsQueuePolicy(scope, `${id}-policy`, {
    queueUrl: queue.url,
    policy: queuePolicyDocument(queue.arn, { roleArns: [props.producerRoleArn] }),
  });
  return queue;
}
