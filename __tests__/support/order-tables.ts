import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** Creates a details table (accountid + vendorid) and a summary table (accountid) shaped like the stacks' tables. */
export async function createOrderTables(
  dynamodb: DynamoDBClient,
  names: { detailsTable: string; summaryTable: string },
): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.detailsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "accountid", AttributeType: "S" },
        { AttributeName: "vendorid", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "accountid", KeyType: "HASH" },
        { AttributeName: "vendorid", KeyType: "RANGE" },
      ],
    }),
  );
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.summaryTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "accountid", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "accountid", KeyType: "HASH" }],
    }),
  );
}
