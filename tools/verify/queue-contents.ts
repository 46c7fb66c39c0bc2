import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "../../emulator/queue-depth";

/** Reads (without deleting) every message body of a queue that nothing else consumes. */
export async function peekAll(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const expected = await queueDepth(sqs, queueUrl);
  const bodies: string[] = [];
  let emptyReads = 0;
  while (bodies.length < expected && emptyReads < 3) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length === 0) emptyReads += 1;
    for (const message of Messages) bodies.push(message.Body ?? "");
  }
  return bodies;
}
