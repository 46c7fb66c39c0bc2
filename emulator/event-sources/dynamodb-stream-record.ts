import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

/** Turns a GetRecords record into the record Lambda puts in a DynamoDB stream event. */
export function toLambdaDynamoDbRecord(
  record: SdkStreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: "aws:dynamodb",
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: toLambdaImage(stream.Keys),
      NewImage: toLambdaImage(stream.NewImage),
      OldImage: toLambdaImage(stream.OldImage),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
}

function toLambdaImage(image: Record<string, SdkAttributeValue> | undefined) {
  if (!image) return undefined;
  return Object.fromEntries(
    Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]),
  );
}

/** Same JSON shape except binaries, which Lambda events carry as base64 text. */
function toLambdaAttributeValue(value: SdkAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  const { $unknown: _unknown, ...rest } = value as SdkAttributeValue & { $unknown?: unknown };
  return rest as AttributeValue;
}
