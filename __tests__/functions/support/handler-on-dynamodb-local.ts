import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../../emulator/dynamodb-local";
import type { SummaryTables } from "../../../functions/summary/types";
import { lambdaLikeEnvironment, setEnvironment } from "./environment";
import { createSummaryTables } from "./summary-tables";

export interface HandlerOnDynamoDbLocal<H> {
  /** A client on the same DynamoDB Local, for arranging and asserting. */
  raw: DynamoDBClient;
  tables: SummaryTables;
  handler: H;
}

/**
 * For the file's tests: DynamoDB Local with fresh summary and ledger tables, and a summary-writing
 * handler module loaded with the environment Lambda would give it (reaching DynamoDB Local only
 * through AWS_ENDPOINT_URL_DYNAMODB). Filled in by beforeAll, cleaned up by afterAll.
 */
export function handlerOnDynamoDbLocal<H>(load: () => Promise<{ handler: H }>): HandlerOnDynamoDbLocal<H> {
  const context = {} as HandlerOnDynamoDbLocal<H>;
  let dynamoDbLocal: DynamoDbLocal | undefined;
  let restoreEnvironment: (() => void) | undefined;

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    context.raw = createDynamoDbLocalClients(dynamoDbLocal.endpoint).dynamoDb;
    context.tables = await createSummaryTables(context.raw);
    restoreEnvironment = setEnvironment(
      lambdaLikeEnvironment({
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal.endpoint,
        SUMMARY_TABLE_NAME: context.tables.summaryTableName,
        LEDGER_TABLE_NAME: context.tables.ledgerTableName,
        // apply-summary's write budget: high enough that these tests never wait on it.
        SUMMARY_WRITE_UNITS_PER_SECOND: "1000",
        // Where apply-summary sends what its budget cannot pay for: never used at that budget.
        SUMMARY_QUEUE_URL: "http://127.0.0.1:9/000000000000/never-used",
        SUMMARY_QUEUE_MAX_RECEIVE_COUNT: "5",
      }),
    );
    context.handler = (await load()).handler;
  });
  afterAll(async () => {
    restoreEnvironment?.();
    context.raw?.destroy();
    await dynamoDbLocal?.stop();
  });
  return context;
}
