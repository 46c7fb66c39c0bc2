import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type {
  SQSMessageAttribute,
  SQSMessageAttributeDataType,
  SQSRecord,
  SQSRecordAttributes,
} from "aws-lambda";

/** Turns a ReceiveMessage message into the record Lambda puts in an SQS event. */
export function toLambdaSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaMessageAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function toLambdaMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined
      ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }
      : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
    dataType: (value.DataType ?? "String") as SQSMessageAttributeDataType,
  };
}

/** What a filter pattern sees: the record, with a JSON body parsed (a non-JSON body stays text). */
export function sqsRecordForFiltering(record: SQSRecord): Record<string, unknown> {
  try {
    return { ...record, body: JSON.parse(record.body) };
  } catch {
    return { ...record };
  }
}
