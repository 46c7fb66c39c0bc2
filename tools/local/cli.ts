import { parseArgs } from "node:util";
import { PROJECTION_PATTERNS, projectionPattern } from "../../stacks/projections";
import { describeFaults } from "./describe-faults";
import { FAULT_FLAG_OPTIONS, FAULT_USAGE, faultSettingsFrom } from "./fault-setting-sources";
import { LocalRuntimeError, portSetting, startLocalRuntime } from "./local-runtime";

const PORT_SETTINGS = PROJECTION_PATTERNS.map((pattern) => ({
  stack: pattern.stackName,
  ...portSetting(pattern.stackName),
  defaultPort: pattern.localPort,
}));

const USAGE = `Usage: npm start -- [--stack NAME]... ${PORT_SETTINGS.map((s) => `[${s.flag} N]`).join(" ")} [--no-synth]
                    [--faults hostile] [--fault-... SCHEDULE]... [--fault-throttle] [--fault-seed N]

Synthesizes (when cdktf.out is stale) and runs the synthesized stacks on this machine:
DynamoDB Local, an SQS emulator, API Gateway, Lambda and event source mappings.
Ports also come from ${PORT_SETTINGS.map((s) => s.variable).join(" and ")} (defaults ${PORT_SETTINGS.map((s) => s.defaultPort).join(", ")}).

${FAULT_USAGE}`;

function parsePort(text: string, setting: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new LocalRuntimeError(`${setting} must be a port number from 0 to 65535, got "${text}"`);
  }
  return Number(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", multiple: true },
      ...Object.fromEntries(PORT_SETTINGS.map((s) => [s.flag.slice(2), { type: "string" as const }])),
      "no-synth": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      ...FAULT_FLAG_OPTIONS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const ports: Record<string, number> = {};
  for (const setting of PORT_SETTINGS) {
    const fromFlag = (values as Record<string, unknown>)[setting.flag.slice(2)];
    const fromEnv = process.env[setting.variable];
    if (typeof fromFlag === "string") ports[setting.stack] = parsePort(fromFlag, setting.flag);
    else if (fromEnv) ports[setting.stack] = parsePort(fromEnv, setting.variable);
  }
  const faults = faultSettingsFrom(values);

  const runtime = await startLocalRuntime({
    stacks: values.stack,
    ports,
    synth: !values["no-synth"],
    faults,
    functionLogs: "inherit",
    log: (line) => console.log(line),
    onEmulatorExit: (message) => {
      console.error(`error: ${message}`);
      void runtime.stop().finally(() => process.exit(1));
    },
  });
  if (runtime.notEmulated.length > 0) {
    console.log(`not emulated (no local effect): ${runtime.notEmulated.join(", ")}`);
  }
  const width = Math.max(...runtime.stacks.map((stack) => stack.name.length));
  for (const stack of runtime.stacks) {
    console.log(`${stack.name.padEnd(width)}  ${stack.url}  (${projectionPattern(stack.name).label})`);
  }
  console.log(describeFaults(runtime.faults.settings, runtime.faults.seed));
  console.log("endpoints written to .cqrs-local/endpoints.json; Ctrl-C stops everything");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  const known = error instanceof Error && error.name !== "Error";
  console.error(
    `error: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
