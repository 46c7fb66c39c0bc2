import { parseArgs } from "node:util";
import { describeFaults } from "./describe-faults";
import { FAULT_FLAG_OPTIONS, FAULT_USAGE, faultSettingsFrom } from "./fault-setting-sources";
import { DEFAULT_PORTS, LocalRuntimeError, portSetting, startLocalRuntime } from "./local-runtime";

const USAGE = `Usage: npm start -- [--stack NAME]... [--direct-port N] [--queued-port N] [--no-synth]
                    [--faults hostile] [--fault-... SCHEDULE]... [--fault-throttle] [--fault-seed N]

Synthesizes (when cdktf.out is stale) and runs the synthesized stacks on this machine:
DynamoDB Local, an SQS emulator, API Gateway, Lambda and event source mappings.
Ports also come from CQRS_LOCAL_DIRECT_PORT and CQRS_LOCAL_QUEUED_PORT (defaults 4010, 4020).

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
      "direct-port": { type: "string" },
      "queued-port": { type: "string" },
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
  for (const stack of Object.keys(DEFAULT_PORTS)) {
    const setting = portSetting(stack);
    const fromFlag = values[setting.flag.slice(2) as "direct-port" | "queued-port"];
    const fromEnv = process.env[setting.variable];
    if (fromFlag !== undefined) ports[stack] = parsePort(fromFlag, setting.flag);
    else if (fromEnv) ports[stack] = parsePort(fromEnv, setting.variable);
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
  for (const stack of runtime.stacks) console.log(`${stack.name.padEnd(width)}  ${stack.url}`);
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
