import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { assertSupported } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";

export interface LocalQueue {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
}

const QUEUE_ATTRIBUTES: Record<string, string> = {
  visibility_timeout_seconds: "VisibilityTimeout",
  message_retention_seconds: "MessageRetentionPeriod",
  delay_seconds: "DelaySeconds",
  receive_wait_time_seconds: "ReceiveMessageWaitTimeSeconds",
  max_message_size: "MaximumMessageSize",
  fifo_queue: "FifoQueue",
  content_based_deduplication: "ContentBasedDeduplication",
};

/**
 * Creates every `aws_sqs_queue` in the SQS emulator, then applies redrive policies (they reference other
 * queues' ARNs). `aws_sqs_queue_redrive_allow_policy` is not emulated: the emulator has no such attribute.
 */
export async function createQueues(model: StackModel, sqs: SQSClient): Promise<LocalQueue[]> {
  const queues: LocalQueue[] = [];
  const raw = model.resources("aws_sqs_queue");
  for (const [logicalId, attributes] of raw) {
    assertSupported("aws_sqs_queue", logicalId, attributes);
    const name = model.attribute("aws_sqs_queue", logicalId, "name") as string;
    const queueAttributes: Record<string, string> = {};
    for (const [terraformName, sqsName] of Object.entries(QUEUE_ATTRIBUTES)) {
      if (attributes[terraformName] !== undefined) {
        queueAttributes[sqsName] = String(model.attribute("aws_sqs_queue", logicalId, terraformName));
      }
    }
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: queueAttributes }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn", "VisibilityTimeout"] }),
    );
    const queue: LocalQueue = {
      logicalId,
      name,
      url: QueueUrl as string,
      arn: Attributes?.QueueArn as string,
      visibilityTimeoutSeconds: Number(Attributes?.VisibilityTimeout ?? 30),
    };
    model.setComputed("aws_sqs_queue", logicalId, { id: queue.url, url: queue.url, arn: queue.arn, name });
    queues.push(queue);
  }
  for (const [logicalId, attributes] of raw) {
    if (attributes.redrive_policy === undefined) continue;
    const policy = model.attribute("aws_sqs_queue", logicalId, "redrive_policy") as string;
    const url = model.attribute("aws_sqs_queue", logicalId, "url") as string;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: policy } }));
  }
  return queues;
}
