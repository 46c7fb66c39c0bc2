import { randomUUID } from "node:crypto";
import { CreateTableCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  type DynamoDbLocalClients,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import { DynamoDbStreamEventSource, SqsEventSource } from "../../../emulator/event-sources";
import { LocalFunction } from "../../../emulator/lambda";
import { createSqsLocalClient, type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { HandlerBundles, requireFromProject } from "../handler-bundles";

let dynamoDb: DynamoDbLocal;
let clients: DynamoDbLocalClients;
let sqsLocal: SqsLocal;
let sqs: SQSClient;
const bundles = new HandlerBundles();

beforeAll(async () => {
  [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  clients = createDynamoDbLocalClients(dynamoDb.endpoint);
  sqs = createSqsLocalClient(sqsLocal.endpoint);
});

afterAll(async () => {
  clients?.destroy();
  sqs?.destroy();
  bundles.remove();
  await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
});

async function createTable(name: string, stream: boolean): Promise<string | undefined> {
  const { TableDescription } = await clients.dynamoDb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }
        : {}),
    }),
  );
  return TableDescription?.LatestStreamArn;
}

it("stream -> forwarding function -> SQS -> applying function -> table, handlers reaching emulators only via AWS_ENDPOINT_URL_*", async () => {
  const suffix = randomUUID();
  const detailsTable = `details-${suffix}`;
  const summaryTable = `summary-${suffix}`;
  const streamArn = (await createTable(detailsTable, true)) as string;
  await createTable(summaryTable, false);
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `updates-${suffix}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );

  const forward = new LocalFunction({
    name: "forward-to-queue",
    handler: "index.handler",
    timeoutSeconds: 10,
    bundleFile: bundles.write(
      "forward",
      `const { SQSClient, SendMessageBatchCommand } = ${requireFromProject("@aws-sdk/client-sqs")};
       const sqs = new SQSClient({});
       exports.handler = async (event) => {
         await sqs.send(new SendMessageBatchCommand({
           QueueUrl: process.env.SUMMARY_QUEUE_URL,
           Entries: event.Records.map((r, i) => ({ Id: String(i), MessageBody: JSON.stringify({ eventID: r.eventID, key: r.dynamodb.Keys.pk.S }) })),
         }));
       };`,
    ),
    environment: { SUMMARY_QUEUE_URL: queueUrl as string, AWS_ENDPOINT_URL_SQS: sqsLocal.endpoint },
  });
  const apply = new LocalFunction({
    name: "apply-summary",
    handler: "index.handler",
    timeoutSeconds: 10,
    bundleFile: bundles.write(
      "apply",
      `const { DynamoDBClient, PutItemCommand } = ${requireFromProject("@aws-sdk/client-dynamodb")};
       const dynamodb = new DynamoDBClient({});
       exports.handler = async (event) => {
         for (const record of event.Records) {
           const { eventID, key } = JSON.parse(record.body);
           await dynamodb.send(new PutItemCommand({
             TableName: process.env.SUMMARY_TABLE_NAME,
             Item: { pk: { S: key }, eventID: { S: eventID } },
           }));
         }
         return { batchItemFailures: [] };
       };`,
    ),
    environment: { SUMMARY_TABLE_NAME: summaryTable, AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint },
  });

  const streamSource = new DynamoDbStreamEventSource({
    streamArn,
    functionArn: forward.arn,
    functionInvoke: (event) => forward.invoke(event),
    region: "us-east-1",
    batchSize: 5,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: "LATEST",
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: true,
    streamsClient: clients.streams,
    pollIntervalMs: 50,
    shardDiscoveryIntervalMs: 200,
  });
  const queueSource = new SqsEventSource({
    queueUrl: queueUrl as string,
    queueArn: Attributes?.QueueArn as string,
    functionInvoke: (event) => apply.invoke(event),
    region: "us-east-1",
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    maximumConcurrency: 2,
    reportBatchItemFailures: true,
    sqsClient: sqs,
    longPollSeconds: 1,
  });
  try {
    await streamSource.start();
    await queueSource.start();
    const keys = Array.from({ length: 12 }, (_, i) => `account-${i}`);
    for (const key of keys) {
      await clients.dynamoDb.send(new PutItemCommand({ TableName: detailsTable, Item: { pk: { S: key } } }));
    }
    await streamSource.idle();
    await queueSource.drained();

    const { Items = [] } = await clients.dynamoDb.send(new ScanCommand({ TableName: summaryTable }));
    expect(Items.map((item) => item.pk.S).sort()).toEqual([...keys].sort());
    expect(forward.stats.failures + apply.stats.failures).toBe(0);
    expect(streamSource.stats.recordsSucceeded).toBe(12);
  } finally {
    await Promise.all([streamSource.stop(), queueSource.stop()]);
    await Promise.all([forward.close(), apply.close()]);
  }
});
