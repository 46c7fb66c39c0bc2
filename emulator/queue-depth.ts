import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

const COUNTED = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
] as const;

/** Messages a queue holds in any state: visible, in flight or delayed (approximate, as SQS reports it). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...COUNTED] }),
  );
  return COUNTED.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
}
