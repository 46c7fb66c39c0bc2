import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROJECTION_PATTERNS, projectionPattern } from "../../stacks/projections";
import { DEFAULT_STATE_DIR } from "../shared/endpoints-file";
import { renderReportInChromium } from "./browser";
import { DEMO_DEFAULTS, DEMO_SETTINGS, DEMO_SUMMARY_WCU } from "./demo-defaults";
import { renderHtmlReport } from "./html-report";
import { runDemo } from "./run-demo";
import type { StackSample } from "./sampler";
import { formatTextSummary } from "./text-summary";

const d = DEMO_DEFAULTS;
/** One flag per pattern for its summary table's write capacity, e.g. --direct-wcu. */
const WCU_FLAGS = PROJECTION_PATTERNS.map((pattern) => ({
  flag: `${pattern.shortName}-wcu`,
  variable: pattern.summaryWriteCapacityVariable,
}));
const USAGE = `Usage: npm run demo -- [--burst N] [--rate R] [--duration S] [--accounts K] [--concurrency C]
                     [--timeout S] [--seed X] ${WCU_FLAGS.map(({ flag }) => `[--${flag} W]`).join(" ")} [--out FILE]
                     [--screenshot PNG]

Runs both stacks locally with the summary tables throttled at their synthesized write capacity, sends
the same orders to both APIs (N at once, then R per second for S seconds, over K accounts), samples
both stacks every second until they converge, and writes one self-contained HTML report.
Defaults: --burst ${d.burst} --rate ${d.rate} --duration ${d.duration} --accounts ${d.accounts}, summary tables
${DEMO_SUMMARY_WCU} WCU each; the report goes to .cqrs-local/demo-report.html.
--screenshot also saves a picture of the report taken by headless Chromium (/usr/bin/chromium).`;

function integer(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function progressLine(latest: Record<string, StackSample>): string {
  return Object.entries(latest)
    .map(([name, s]) => {
      const queue = s.queueDepth === undefined ? "" : ` queue ${s.queueDepth}`;
      return `${projectionPattern(name).shortName}: ${s.accepted}/${s.sent} accepted, lag ${s.lag}, throttled ${s.throttledSummaryWrites}${queue}`;
    })
    .join(" | ");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      burst: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      accounts: { type: "string" },
      concurrency: { type: "string" },
      timeout: { type: "string" },
      seed: { type: "string" },
      ...Object.fromEntries(WCU_FLAGS.map(({ flag }) => [flag, { type: "string" as const }])),
      out: { type: "string" },
      screenshot: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const flags = values as Record<string, unknown>;
  const settings = {
    ...DEMO_SETTINGS,
    ...Object.fromEntries(
      WCU_FLAGS.map(({ flag, variable }) => [
        variable,
        String(integer(flags[flag] as string | undefined, `--${flag}`, DEMO_SUMMARY_WCU, 1, 40000)),
      ]),
    ),
  };
  const options = {
    burst: integer(values.burst, "--burst", d.burst, 0, 1_000_000),
    rate: integer(values.rate, "--rate", d.rate, 1, 10_000),
    duration: integer(values.duration, "--duration", d.duration, 0, 3600),
    accounts: integer(values.accounts, "--accounts", d.accounts, 1, 100_000),
    concurrency: integer(values.concurrency, "--concurrency", d.concurrency, 1, 256),
    timeoutSeconds: integer(values.timeout, "--timeout", d.timeoutSeconds, 1, 86_400),
    seed: values.seed === undefined ? undefined : integer(values.seed, "--seed", 1, 0, 2 ** 31),
  };
  if (options.burst + options.rate * options.duration === 0)
    throw new Error("--burst and --duration are both 0: nothing to send");
  const out = path.resolve(values.out ?? path.join(DEFAULT_STATE_DIR, "demo-report.html"));
  const tty = process.stdout.isTTY === true;
  let lastPrinted = 0;
  const recording = await runDemo({
    ...options,
    settings,
    log: (line) => console.log(line),
    onSample: (latest) => {
      const t = Object.values(latest)[0]?.t ?? 0;
      const text = `[${t.toFixed(0).padStart(3)} s] ${progressLine(latest)}`;
      if (tty) process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 200) - 1)}`);
      else if (t - lastPrinted >= 5) {
        console.log(text);
        lastPrinted = t;
      }
    },
  });
  if (tty) process.stdout.write("\n");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, renderHtmlReport(recording));
  const recordingFile = `${out.replace(/\.html?$/, "")}.json`;
  writeFileSync(recordingFile, `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`\n${formatTextSummary(recording)}\n`);
  console.log(`report:    ${out}`);
  console.log(`samples:   ${recordingFile}`);
  if (values.screenshot) {
    await renderReportInChromium(out, { screenshot: path.resolve(values.screenshot) });
    console.log(`screenshot: ${path.resolve(values.screenshot)}`);
  }
  return recording.stacks.every((s) => s.outcome.lostNothing && s.outcome.convergedAtSeconds !== null)
    ? 0
    : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
