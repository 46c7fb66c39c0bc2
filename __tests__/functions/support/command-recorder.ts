import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface RecordedCommand {
  commandName: string;
  /** Marshalled (wire-level) input. */
  input: Record<string, unknown>;
}

/**
 * Records every command a real client sends (after marshalling) without changing it, so a
 * test can count writes. A DynamoDBDocumentClient built from this client shares its stack.
 */
export function recordCommands(client: DynamoDBClient): RecordedCommand[] {
  const recorded: RecordedCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      recorded.push({ commandName: context.commandName ?? "", input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: "build", name: "recordCommandsForTests" },
  );
  return recorded;
}

interface WriteInput {
  TableName?: string;
  TransactItems?: { Update?: { TableName?: string } }[];
}

/** The writes sent, per kind: summary UpdateItems, ledger UpdateItems, TransactWriteItems. */
export function writesOf(
  recorded: RecordedCommand[],
  tables: { summaryTableName: string; ledgerTableName: string },
) {
  const updates = recorded.filter((command) => command.commandName === "UpdateItemCommand");
  const inputOf = (command: RecordedCommand) => command.input as WriteInput;
  return {
    summaryUpdates: updates.filter((command) => inputOf(command).TableName === tables.summaryTableName),
    ledgerUpdates: updates.filter((command) => inputOf(command).TableName === tables.ledgerTableName),
    transactions: recorded.filter((command) => command.commandName === "TransactWriteItemsCommand"),
    queries: recorded.filter((command) => command.commandName === "QueryCommand"),
  };
}

/** Accounts of the summary UpdateItems, in the order sent. */
export function updatedAccountsOf(commands: RecordedCommand[]): string[] {
  return commands.map(
    (command) => (command.input as { Key?: { accountid?: { S?: string } } }).Key?.accountid?.S ?? "",
  );
}
