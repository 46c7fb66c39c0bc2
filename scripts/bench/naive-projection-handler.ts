/**
 * The naive baseline the bench compares the projections with: the straightforward first
 * implementation, one read-modify-write of the account's summary per stream record, in order, with no
 * ledger (so not exactly-once: a redelivered batch counts twice). Used only by `npm run bench`.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { Decimal, toDecimalText } from "../../functions/domain/decimal";
import { summaryDeltaOf } from "../../functions/domain/summary-delta";
import { requireEnvironmentVariable } from "../../functions/shared/environment";

const tableName = requireEnvironmentVariable("SUMMARY_TABLE_NAME");
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  unmarshallOptions: { wrapNumbers: true },
});

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  for (const record of event.Records) {
    const delta = summaryDeltaOf(record);
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { accountid: delta.accountId } }),
    );
    const total = Decimal(String(Item?.account_total ?? "0")).plus(delta.amount);
    const count = Number(String(Item?.order_count ?? "0")) + delta.orderCount;
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          accountid: delta.accountId,
          account_total: NumberValue.from(toDecimalText(total)),
          order_count: count,
        },
      }),
    );
  }
};
