/**
 * The projections the bench compares the stacks with. None is exactly-once: a redelivered record or batch
 * is counted again. Used only by `npm run bench`.
 *
 * - per-record ADD: one UpdateItem ADD per stream record.
 * - per-batch ADD: one UpdateItem ADD per account per batch, the lower bound of any projection that writes
 *   each batch's changes.
 * - read-modify-write: per record a strongly consistent GetItem of the account's summary, then a PutItem
 *   (an eventually consistent read would lose updates on AWS even without redelivery).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { aggregateDeltas } from "../../functions/domain/aggregate-deltas";
import { Decimal, toDecimalText } from "../../functions/domain/decimal";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import { summaryDeltaOf } from "../../functions/domain/summary-delta";

export const BASELINES = [
  "baseline-per-record-add",
  "baseline-per-batch-add",
  "baseline-read-modify-write",
] as const;
export type Baseline = (typeof BASELINES)[number];

export type BatchHandler = (records: DynamoDBRecord[]) => Promise<void>;

export function baselineHandler(kind: Baseline, dynamodb: DynamoDBClient, tableName: string): BatchHandler {
  const client = DynamoDBDocumentClient.from(dynamodb, { unmarshallOptions: { wrapNumbers: true } });
  const add = (accountid: string, amount: string, count: number) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [SUMMARY.accountId]: accountid },
        UpdateExpression: `ADD ${SUMMARY.accountTotal} :amount, ${SUMMARY.orderCount} :count`,
        ExpressionAttributeValues: { ":amount": NumberValue.from(amount), ":count": count },
      }),
    );
  switch (kind) {
    case "baseline-per-record-add":
      return async (records) => {
        for (const record of records) {
          const delta = summaryDeltaOf(record);
          await add(delta.accountId, toDecimalText(delta.amount), delta.orderCount);
        }
      };
    case "baseline-per-batch-add":
      return async (records) => {
        for (const change of aggregateDeltas(records.map(summaryDeltaOf))) {
          await add(change.accountId, toDecimalText(change.amount), change.orderCount);
        }
      };
    case "baseline-read-modify-write":
      return async (records) => {
        for (const record of records) {
          const delta = summaryDeltaOf(record);
          const { Item } = await client.send(
            new GetCommand({
              TableName: tableName,
              Key: { [SUMMARY.accountId]: delta.accountId },
              ConsistentRead: true,
            }),
          );
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                [SUMMARY.accountId]: delta.accountId,
                [SUMMARY.accountTotal]: NumberValue.from(
                  toDecimalText(Decimal(String(Item?.[SUMMARY.accountTotal] ?? "0")).plus(delta.amount)),
                ),
                [SUMMARY.orderCount]: Number(String(Item?.[SUMMARY.orderCount] ?? "0")) + delta.orderCount,
              },
            }),
          );
        }
      };
  }
}
