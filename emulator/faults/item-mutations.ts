import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { HttpResult } from "../apigateway/gateway-responses";
import type { RestApiRequest } from "../apigateway/handle-request";

export type ItemKey = Record<string, AttributeValue>;

export type OrderMutation = "overwrite" | "delete";

/**
 * What the order mutation faults need to know about a stack's API and cannot read from its Terraform:
 * which item of the streamed table an exchange wrote, and how another writer overwrites such an item.
 */
export interface AcceptedItems {
  /** The key of the item the API accepted in this exchange, or undefined for any other exchange. */
  keyOf(request: RestApiRequest, result: HttpResult): ItemKey | undefined;
  /** The update that overwrites it (a MODIFY record); its condition must fail on a deleted item. */
  overwrite: Pick<
    UpdateItemCommandInput,
    "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
  >;
}

/** How long after the API accepted an item the other writer changes it: its INSERT is in the stream by then. */
const MUTATION_DELAY_MS = 200;

function describeKey(key: ItemKey): string {
  return Object.values(key)
    .map((value) => value.S ?? value.N ?? JSON.stringify(value))
    .join("/");
}

/**
 * Another writer of the streamed table, as operators and batch jobs are in production: it overwrites an
 * accepted item (a MODIFY record) or deletes it (a REMOVE record), straight in DynamoDB.
 */
export class ItemMutator {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
    private readonly overwrite: AcceptedItems["overwrite"],
    private readonly log: (line: string) => void = () => {},
  ) {}

  mutate(key: ItemKey, mutation: OrderMutation): void {
    const done = new Promise<void>((resolve) => setTimeout(resolve, MUTATION_DELAY_MS))
      .then(() => this.apply(key, mutation))
      .catch((error: unknown) => this.log(`${mutation} of ${describeKey(key)} failed: ${String(error)}`))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves once every mutation asked for so far has been written. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async apply(key: ItemKey, mutation: OrderMutation): Promise<void> {
    if (mutation === "delete") {
      await this.dynamodb.send(new DeleteItemCommand({ TableName: this.table, Key: key }));
      return;
    }
    await this.dynamodb
      .send(new UpdateItemCommand({ TableName: this.table, Key: key, ...this.overwrite }))
      .catch((error: unknown) => {
        if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      });
  }
}
