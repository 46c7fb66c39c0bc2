import { SQSClient, ListQueuesCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { localClientConfig } from "./local/local-credentials";
const c = new SQSClient(localClientConfig("http://127.0.0.1:46021"));
(async () => { const { QueueUrls = [] } = await c.send(new ListQueuesCommand({}));
for (const u of QueueUrls) { const a = await c.send(new GetQueueAttributesCommand({ QueueUrl: u, AttributeNames: ["All"] })); console.log(u.split("/").pop(), a.Attributes?.ApproximateNumberOfMessages, a.Attributes?.ApproximateNumberOfMessagesNotVisible, a.Attributes?.ApproximateNumberOfMessagesDelayed); } })();
