import { randomUUID } from "node:crypto";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export async function createQueue(
  client: SQSClient,
  attributes: Record<string, string> = {},
): Promise<string> {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: `summary-updates-${randomUUID().slice(0, 8)}`,
      Attributes: attributes,
    }),
  );
  if (!QueueUrl) {
    throw new Error("CreateQueue returned no QueueUrl");
  }
  return QueueUrl;
}

/** Every message body currently on the queue (received, not deleted), polling until two empty receives. */
export async function drainBodies(client: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  let emptyReceives = 0;
  while (emptyReceives < 2) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
      }),
    );
    emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
    bodies.push(...Messages.map((message) => message.Body ?? ""));
  }
  return bodies;
}
