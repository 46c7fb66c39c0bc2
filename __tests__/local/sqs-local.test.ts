import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { createSqsLocalClient, startSqsLocal } from "../../local/sqs-local";

describe("startSqsLocal", () => {
  it("serves queues whose URLs are reachable without an explicit client endpoint", async () => {
    const sqsLocal = await startSqsLocal();
    const admin = createSqsLocalClient(sqsLocal.endpoint);
    // Like a handler configured only through AWS_ENDPOINT_URL_SQS: the SDK then sends to the QueueUrl host.
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const queueUrlOnly = new SQSClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      logger: quiet,
    });
    try {
      const { QueueUrl } = await admin.send(new CreateQueueCommand({ QueueName: "reachable" }));
      expect(QueueUrl).toBe(`${sqsLocal.endpoint}/000000000000/reachable`);
      await queueUrlOnly.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello" }));
      const { Messages = [] } = await admin.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => m.Body)).toEqual(["hello"]);

      await expect(startSqsLocal({ port: sqsLocal.port })).rejects.toThrow(
        `port ${sqsLocal.port} is already in use`,
      );
    } finally {
      admin.destroy();
      queueUrlOnly.destroy();
      await sqsLocal.stop();
    }
    expect(await sqsLocal.exited).toMatchObject({ requested: true });
  });
});
