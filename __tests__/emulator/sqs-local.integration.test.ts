import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { createSqsLocalClient, startSqsLocal } from "../../emulator/sqs-local";

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

describe("DLQ redrive (StartMessageMoveTask, which the emulator gains from emulator/sqs-message-move.ts)", () => {
  let sqsLocal: Awaited<ReturnType<typeof startSqsLocal>>;
  let sqs: SQSClient;

  beforeAll(async () => {
    sqsLocal = await startSqsLocal();
    sqs = createSqsLocalClient(sqsLocal.endpoint);
  });

  afterAll(async () => {
    sqs?.destroy();
    await sqsLocal?.stop();
  });

  async function queue(name: string, attributes: Record<string, string> = {}) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
  }

  async function receiveAll(url: string, expected: number) {
    const messages = [];
    for (let attempt = 0; attempt < 20 && messages.length < expected; attempt++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      messages.push(...Messages);
    }
    return messages;
  }

  it("moves every DLQ message back to its source queue, oldest first, as new messages", async () => {
    const dlq = await queue("redrive-dlq");
    const work = await queue("redrive-work", {
      VisibilityTimeout: "0",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    const sent: { MessageId?: string }[] = [];
    for (const body of ["first", "second", "third"]) {
      sent.push(
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: work.url,
            MessageBody: body,
            MessageAttributes: { kind: { DataType: "String", StringValue: body.toUpperCase() } },
          }),
        ),
      );
    }
    // Received once and never deleted: the next receive moves each message into the DLQ.
    expect(await receiveAll(work.url, 3)).toHaveLength(3);
    expect(
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: work.url, WaitTimeSeconds: 1 })),
    ).not.toHaveProperty("Messages");

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(TaskHandle).toEqual(expect.any(String));

    const moved = await receiveAll(work.url, 3);
    expect(moved.map((m) => [m.Body, m.MessageAttributes?.kind?.StringValue])).toEqual([
      ["first", "FIRST"],
      ["second", "SECOND"],
      ["third", "THIRD"],
    ]);
    // New messages: new ids, first receive again.
    expect(moved.map((m) => m.MessageId).filter((id) => sent.some((s) => s.MessageId === id))).toEqual([]);
    expect(moved.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(["1", "1", "1"]);
    for (const m of moved)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: work.url, ReceiptHandle: m.ReceiptHandle }));
    expect(
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 })),
    ).not.toHaveProperty("Messages");

    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(Results).toEqual([
      expect.objectContaining({
        Status: "COMPLETED",
        SourceArn: dlq.arn,
        ApproximateNumberOfMessagesMoved: 3,
        ApproximateNumberOfMessagesToMove: 3,
      }),
    ]);
  });

  it("refuses a source that is no queue's DLQ, and an unknown queue, as SQS does", async () => {
    const plain = await queue("redrive-not-a-dlq");
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn }))).rejects.toMatchObject({
      // fauxqs prefixes its query error codes (x-amzn-query-error) with AWS.SimpleQueueService.
      name: expect.stringMatching(/InvalidParameterValue$/),
      message: "Source queue must be configured as a Dead Letter Queue.",
    });
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:missing" })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/ResourceNotFoundException$/) });
  });
});
