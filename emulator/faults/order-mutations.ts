import { DeleteItemCommand, type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { HttpResult } from "../apigateway/gateway-responses";
import type { RestApiRequest } from "../apigateway/handle-request";

export interface OrderKey {
  accountid: string;
  vendorid: string;
}

export type OrderMutation = "overwrite" | "delete";

/** How long after the API accepted an order the other writer changes it: its INSERT is in the stream by then. */
const MUTATION_DELAY_MS = 200;

/** The keys of an order the API accepted (POST /order answered 200), or undefined for any other exchange. */
export function acceptedOrderKey(request: RestApiRequest, result: HttpResult): OrderKey | undefined {
  if (
    request.method !== "POST" ||
    result.statusCode !== 200 ||
    !/\/order$/.test(new URL(request.url, "http://x").pathname)
  ) {
    return undefined;
  }
  try {
    const order = (JSON.parse(request.body) as { order?: Partial<OrderKey> }).order;
    return typeof order?.accountid === "string" && typeof order.vendorid === "string"
      ? { accountid: order.accountid, vendorid: order.vendorid }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Another writer of the details table, as operators and batch jobs are in production: it overwrites an
 * accepted order (one more unit, a MODIFY record) or deletes it (a REMOVE record), straight in DynamoDB.
 */
export class OrderMutator {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly detailsTable: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  mutate(key: OrderKey, mutation: OrderMutation): void {
    const done = new Promise<void>((resolve) => setTimeout(resolve, MUTATION_DELAY_MS))
      .then(() => this.apply(key, mutation))
      .catch((error: unknown) =>
        this.log(`order ${mutation} of ${key.accountid}/${key.vendorid} failed: ${String(error)}`),
      )
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves once every mutation asked for so far has been written. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async apply(key: OrderKey, mutation: OrderMutation): Promise<void> {
    const Key = { accountid: { S: key.accountid }, vendorid: { S: key.vendorid } };
    if (mutation === "delete") {
      await this.dynamodb.send(new DeleteItemCommand({ TableName: this.detailsTable, Key }));
      return;
    }
    await this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.detailsTable,
          Key,
          UpdateExpression: "ADD quantity :one",
          ConditionExpression: "attribute_exists(accountid)",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        }),
      )
      .catch((error: unknown) => {
        if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      });
  }
}
