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

interface MarshalledTransactItem {
  Update?: { Key?: { accountid?: { S?: string } } };
  Put?: { Item?: { id?: { S?: string } } };
}

/** Per TransactWriteItems call: the accounts it updates and the ledger ids it puts. */
export function transactionsOf(recorded: RecordedCommand[]) {
  return recorded
    .filter((command) => command.commandName === "TransactWriteItemsCommand")
    .map((command) => {
      const items = (command.input.TransactItems ?? []) as MarshalledTransactItem[];
      return {
        updatedAccounts: items.flatMap((item) => (item.Update ? [item.Update.Key?.accountid?.S] : [])),
        ledgerIds: items.flatMap((item) => (item.Put ? [item.Put.Item?.id?.S] : [])),
      };
    });
}
