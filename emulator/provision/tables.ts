import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { assertSupported } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";

interface TableConfig {
  name: string;
  hash_key: string;
  range_key?: string;
  attribute: { name: string; type: "S" | "N" | "B" }[];
  billing_mode?: "PROVISIONED" | "PAY_PER_REQUEST";
  read_capacity?: number;
  write_capacity?: number;
  stream_enabled?: boolean;
  stream_view_type?: "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
  ttl?: { enabled?: boolean; attribute_name?: string };
}

export interface LocalTable {
  logicalId: string;
  name: string;
  arn: string;
  streamArn?: string;
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  readCapacity?: number;
  writeCapacity?: number;
}

/** Creates every `aws_dynamodb_table` of the stack in DynamoDB Local and records its ARNs. */
export async function createTables(model: StackModel, dynamodb: DynamoDBClient): Promise<LocalTable[]> {
  const tables: LocalTable[] = [];
  for (const [logicalId, raw] of model.resources("aws_dynamodb_table")) {
    assertSupported("aws_dynamodb_table", logicalId, raw);
    const config = model.resolved("aws_dynamodb_table", logicalId) as unknown as TableConfig;
    const keySchema: KeySchemaElement[] = [{ AttributeName: config.hash_key, KeyType: "HASH" }];
    if (config.range_key) keySchema.push({ AttributeName: config.range_key, KeyType: "RANGE" });
    const billingMode = config.billing_mode ?? "PROVISIONED";
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: config.name,
        KeySchema: keySchema,
        AttributeDefinitions: config.attribute.map<AttributeDefinition>((a) => ({
          AttributeName: a.name,
          AttributeType: a.type,
        })),
        BillingMode: billingMode,
        ProvisionedThroughput:
          billingMode === "PROVISIONED"
            ? { ReadCapacityUnits: config.read_capacity ?? 1, WriteCapacityUnits: config.write_capacity ?? 1 }
            : undefined,
        StreamSpecification: config.stream_enabled
          ? { StreamEnabled: true, StreamViewType: config.stream_view_type }
          : undefined,
      }),
    );
    if (config.ttl?.enabled && config.ttl.attribute_name) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: config.name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: config.ttl.attribute_name },
        }),
      );
    }
    const description = created.TableDescription;
    const table: LocalTable = {
      logicalId,
      name: config.name,
      arn: description?.TableArn ?? "",
      streamArn: description?.LatestStreamArn,
      billingMode,
      readCapacity: config.read_capacity,
      writeCapacity: config.write_capacity,
    };
    model.setComputed("aws_dynamodb_table", logicalId, {
      id: table.name,
      name: table.name,
      arn: table.arn,
      stream_arn: table.streamArn,
    });
    tables.push(table);
  }
  return tables;
}
