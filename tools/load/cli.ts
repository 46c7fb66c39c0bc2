import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { toDecimalText } from "../../functions/domain/decimal";
import { positiveInteger } from "../shared/cli-options";
import { loadTarget } from "./load-target";
import { runLoad } from "./run-load";

const USAGE = `Usage: npm run load -- --url URL [--auth iam|api_key|none] [--api-key KEY] [--region R]
                     [--orders N] [--accounts K] [--concurrency C] [--resend-rate R]
                     [--timeout SECONDS] [--seed S]

Sends N random coffee orders over K accounts, then re-sends R of them twice: unchanged (accepted, counted
once) and changed (refused with 409, orders are create-only). Then reads every account's summary until it
equals what the orders add up to, exactly, or the timeout passes.

A URL that \`npm start\` serves is called as its stack requires (.cqrs-local/endpoints.json). Other
URLs: --auth iam (default) signs with SigV4 using the default AWS credential chain, in --region
(default: the execute-api host name's region, else AWS_REGION); --auth api_key sends --api-key;
--auth none sends neither.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      auth: { type: "string" },
      "api-key": { type: "string" },
      region: { type: "string" },
      orders: { type: "string" },
      accounts: { type: "string" },
      concurrency: { type: "string" },
      "resend-rate": { type: "string" },
      timeout: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.url) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const resendRate = values["resend-rate"] === undefined ? 0.1 : Number(values["resend-rate"]);
  if (!(resendRate >= 0 && resendRate <= 0.5)) throw new Error("--resend-rate must be from 0 to 0.5");
  const target = loadTarget({
    url: values.url,
    auth: values.auth,
    apiKey: values["api-key"],
    region: values.region,
  });
  const orders = positiveInteger(values.orders, "--orders", 100);
  const bar = new SingleBar({ format: "orders [{bar}] {value}/{total}", hideCursor: true });
  bar.start(orders, 0);
  const report = await runLoad({
    ...target,
    orders,
    accounts: positiveInteger(values.accounts, "--accounts", 5),
    concurrency: positiveInteger(values.concurrency, "--concurrency", 8),
    resendRate,
    convergeTimeoutSeconds: positiveInteger(values.timeout, "--timeout", 120),
    seed: values.seed === undefined ? undefined : positiveInteger(values.seed, "--seed", 1),
    onProgress: (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    },
  });
  bar.stop();

  console.log(
    `run ${report.runId}: ${report.sent} requests in ${report.sendSeconds.toFixed(1)} s: ${report.accepted} accepted, ` +
      `${report.conflicts} changed re-sends refused with 409, ${report.rejected.length} unexpected answers`,
  );
  for (const rejection of report.rejected.slice(0, 5))
    console.log(`  rejected ${rejection.status}: ${rejection.text}`);
  for (const check of report.accounts) {
    const { expected, actual } = check;
    const seen = actual.status === 200 ? `${actual.total} / ${actual.count}` : `HTTP ${actual.status}`;
    console.log(
      `  ${check.exact ? "exact " : "DRIFT "} ${expected.accountId}: expected ${toDecimalText(expected.accountTotal)} / ${expected.orderCount}, got ${seen}`,
    );
  }
  const exactCount = report.accounts.filter((c) => c.exact).length;
  console.log(
    `${exactCount}/${report.accounts.length} summaries exact after ${report.convergeSeconds.toFixed(1)} s` +
      (report.allExact ? "" : " (not all exact)"),
  );
  return report.allExact ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
