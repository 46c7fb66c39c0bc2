import { parseArgs } from "node:util";
import { HOSTILE_FAULTS } from "../../emulator/faults/fault-settings";
import { formatVerificationReport } from "./format-report";
import { runVerification } from "./run-verification";
import { VERIFY_DEFAULTS } from "./verify-defaults";

const USAGE = `Usage: npm run verify -- [--orders N] [--accounts K] [--overwrite-rate R] [--delete-rate R]
                       [--poison P] [--seed S] [--stack NAME]...

Runs both synthesized stacks locally with every fault on (crash before and after writes, timeouts,
duplicate deliveries, SQS redelivery, summary-table throttling), sends N orders over K accounts with
overwrites, deletes and P records made unprocessable on purpose, waits until everything is quiet, then
checks: summaries exact over HTTP, no lost orders, zero drift on reconciliation, failure queues holding
only the unprocessable records. Defaults: ${VERIFY_DEFAULTS.orders} orders, ${VERIFY_DEFAULTS.accounts} accounts.`;

function number(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      accounts: { type: "string" },
      "overwrite-rate": { type: "string" },
      "delete-rate": { type: "string" },
      poison: { type: "string" },
      seed: { type: "string" },
      stack: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = number(values.seed, "--seed", Date.now() % 2 ** 31, 0, 2 ** 31);
  const report = await runVerification({
    ...VERIFY_DEFAULTS,
    orders: number(values.orders, "--orders", VERIFY_DEFAULTS.orders, 1, 1_000_000),
    accounts: number(values.accounts, "--accounts", VERIFY_DEFAULTS.accounts, 1, 10_000),
    overwriteRate: number(
      values["overwrite-rate"],
      "--overwrite-rate",
      VERIFY_DEFAULTS.overwriteRate,
      0,
      0.5,
    ),
    deleteRate: number(values["delete-rate"], "--delete-rate", VERIFY_DEFAULTS.deleteRate, 0, 0.5),
    poison: number(values.poison, "--poison", VERIFY_DEFAULTS.poison, 0, 100),
    seed,
    faults: { ...HOSTILE_FAULTS, seed },
    stacks: values.stack,
    log: (line) => console.log(line),
  });
  console.log(`\n${formatVerificationReport(report)}`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
