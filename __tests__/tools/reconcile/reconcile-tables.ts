import { randomUUID } from "node:crypto";
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { ReconcileTarget } from "../../../tools/reconcile";
import { createOrderTables } from "../../support/order-tables";

/** A fresh details/summary table pair shaped like the stacks' tables. */
export async function createReconcileTables(dynamodb: DynamoDBClient): Promise<ReconcileTarget> {
  const suffix = randomUUID();
  const target = { dynamodb, detailsTable: `details-${suffix}`, summaryTable: `summary-${suffix}` };
  await createOrderTables(dynamodb, target);
  return target;
}

/** An order line; pass null to leave an attribute out, an AttributeValue to store something odd. */
export async function putOrder(
  target: ReconcileTarget,
  accountId: string,
  vendorId: string,
  unitprice: string | AttributeValue | null,
  quantity: string | AttributeValue | null,
): Promise<void> {
  const item: Record<string, AttributeValue> = { accountid: { S: accountId }, vendorid: { S: vendorId } };
  if (unitprice !== null) item.unitprice = typeof unitprice === "string" ? { N: unitprice } : unitprice;
  if (quantity !== null) item.quantity = typeof quantity === "string" ? { N: quantity } : quantity;
  await target.dynamodb.send(new PutItemCommand({ TableName: target.detailsTable, Item: item }));
}

export async function putSummary(
  target: ReconcileTarget,
  accountId: string,
  accountTotal: string,
  orderCount: string,
): Promise<void> {
  await target.dynamodb.send(
    new PutItemCommand({
      TableName: target.summaryTable,
      Item: {
        accountid: { S: accountId },
        account_total: { N: accountTotal },
        order_count: { N: orderCount },
      },
    }),
  );
}

/** The summary item's number text, as DynamoDB stores it, or undefined when there is no item. */
export async function readSummary(
  target: ReconcileTarget,
  accountId: string,
): Promise<{ total?: string; count?: string } | undefined> {
  const { Item } = await target.dynamodb.send(
    new GetItemCommand({
      TableName: target.summaryTable,
      Key: { accountid: { S: accountId } },
      ConsistentRead: true,
    }),
  );
  return Item && { total: Item.account_total?.N, count: Item.order_count?.N };
}
