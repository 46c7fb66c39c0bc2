import { requireEnvironmentVariable } from "../shared/environment";
import type { SummaryTables } from "./types";

/** Table names of the summary writer, from SUMMARY_TABLE_NAME and LEDGER_TABLE_NAME. */
export function summaryTablesFromEnvironment(environment: NodeJS.ProcessEnv = process.env): SummaryTables {
  return {
    summaryTableName: requireEnvironmentVariable("SUMMARY_TABLE_NAME", environment),
    ledgerTableName: requireEnvironmentVariable("LEDGER_TABLE_NAME", environment),
  };
}
