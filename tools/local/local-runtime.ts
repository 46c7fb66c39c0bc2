import type { Prices } from "../../emulator/cost/charges";
import { type MeteringProxy, startMeteringProxy } from "../../emulator/cost/metering-proxy";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../emulator/dynamodb-local";
import {
  type DynamoDbCapacityProxy,
  FaultInjection,
  type FaultSettings,
  startDynamoDbCapacityProxy,
} from "../../emulator/faults";
import { findFreePort, isPortFree } from "../../emulator/free-port";
import type { FunctionLogs } from "../../emulator/lambda";
import { type SqsLocal, startSqsLocal } from "../../emulator/sqs-local";
import { notEmulated, type RunningStack, startStack } from "../../emulator/stack-runtime";
import {
  listApplicationStacks,
  listSynthesizedStacks,
  readSynthesizedStack,
} from "../../emulator/terraform/terraform-document";
import { PROJECTION_PATTERNS, projectionPattern } from "../../stacks/projections";
import { DEFAULT_STATE_DIR, stackEndpoints, writeEndpointsFile } from "../shared/endpoints-file";
import { DEFAULT_OUTDIR, synthesize, synthIsStale } from "../shared/synthesize";
import { ACCEPTED_ORDERS } from "./accepted-orders";

const DEFAULT_PORTS: Readonly<Record<string, number>> = Object.fromEntries(
  PROJECTION_PATTERNS.map((pattern) => [pattern.stackName, pattern.localPort]),
);

/** Flag and environment variable that set a stack's API port, e.g. --direct-port / CQRS_LOCAL_DIRECT_PORT. */
export function portSetting(stack: string): { flag: string; variable: string } {
  const pattern = projectionPattern(stack);
  return { flag: `--${pattern.shortName}-port`, variable: pattern.localPortVariable };
}

export class LocalRuntimeError extends Error {
  override name = "LocalRuntimeError";
}

export interface LocalRuntimeOptions {
  /** Stacks to run; all synthesized stacks by default. */
  stacks?: readonly string[];
  /** API port per stack; 0 picks a free port. Defaults to DEFAULT_PORTS. */
  ports?: Record<string, number>;
  outdir?: string;
  /** Synthesize when cdktf.out is missing or stale. Default true. */
  synth?: boolean;
  /** Settings (CQRS_* variables) for that synthesis, on top of the process environment. */
  synthEnvironment?: Record<string, string>;
  /** Where endpoints.json is written; null to skip. Default `.cqrs-local/`. */
  stateDir?: string | null;
  log?: (line: string) => void;
  /** Called if an emulator dies while running. */
  onEmulatorExit?: (message: string) => void;
  /** Faults injected around the real handlers (emulator/faults); none by default. */
  faults?: FaultSettings;
  /** Where the functions' stdout/stderr (Powertools JSON logs) goes. Default "inherit". */
  functionLogs?: FunctionLogs;
  /**
   * Meter every DynamoDB and SQS request as AWS bills it (emulator/cost/metering-proxy.ts), at these prices:
   * the metering proxy then sits in front of both emulators and the queue URLs name it.
   */
  metering?: Prices;
}

export interface LocalRuntime {
  stacks: RunningStack[];
  dynamodb: DynamoDbLocal;
  sqs: SqsLocal;
  /**
   * The functions reach DynamoDB through this proxy: it counts their writes per table and, with
   * faults.throttle, enforces provisioned write capacity.
   */
  capacityProxy: DynamoDbCapacityProxy;
  /** When metering was asked for: what every request cost. */
  metering?: MeteringProxy;
  /** Settings, seed and counters (`faults.counters()`) of the fault injection, across all stacks. */
  faults: FaultInjection;
  notEmulated: string[];
  stop(): Promise<void>;
}

/** Synthesizes if needed, starts the emulators once and every requested stack on them. */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => {});
  const outdir = options.outdir ?? DEFAULT_OUTDIR;
  if (options.synth !== false && synthIsStale(outdir, { ...process.env, ...options.synthEnvironment })) {
    log("synthesizing (cdktf.out is missing, older than the sources, or made with other settings)...");
    const warnings = synthesize(outdir, options.synthEnvironment);
    if (warnings.trim()) process.stderr.write(warnings);
  }
  const available = listApplicationStacks(outdir);
  const names = options.stacks ?? available;
  for (const name of names) {
    if (!available.includes(name)) {
      const others = listSynthesizedStacks(outdir).filter((other) => !available.includes(other));
      throw new LocalRuntimeError(
        others.includes(name)
          ? `stack "${name}" holds account-wide settings only and has nothing to run locally: run ${available.join(" or ")}`
          : `unknown stack "${name}": the stacks that run locally are ${available.join(", ")}`,
      );
    }
  }
  const ports = Object.fromEntries(
    names.map((name) => [name, options.ports?.[name] ?? DEFAULT_PORTS[name] ?? 0]),
  );
  for (const name of names) {
    if (ports[name] !== 0 && !(await isPortFree(ports[name]))) {
      const setting = portSetting(name);
      throw new LocalRuntimeError(
        `port ${ports[name]} for ${name} is already in use: pass ${setting.flag} <port> or set ${setting.variable}`,
      );
    }
  }
  const synthesized = names.map((name) => readSynthesizedStack(outdir, name));
  const faults = new FaultInjection(options.faults);

  let stopping = false;
  const reportExit =
    (what: string) => (exit: { code: number | null; signal: string | null; output: string }) => {
      if (!stopping) {
        options.onEmulatorExit?.(
          `${what} exited unexpectedly (code ${exit.code}, signal ${exit.signal})\n${exit.output.trim().slice(-2000)}`,
        );
      }
    };
  const dynamodb = await startDynamoDbLocal({ onExit: reportExit("DynamoDB Local") });
  let sqs: SqsLocal;
  let capacityProxy: DynamoDbCapacityProxy;
  let metering: MeteringProxy | undefined;
  const meteringSqsPort = options.metering ? await findFreePort() : undefined;
  try {
    sqs = await startSqsLocal({ onExit: reportExit("SQS emulator"), queueUrlPort: meteringSqsPort });
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
  try {
    if (options.metering) {
      metering = await startMeteringProxy(
        { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint },
        options.metering,
        {
          sqsPort: meteringSqsPort,
        },
      );
    }
    capacityProxy = await startDynamoDbCapacityProxy({
      target: metering?.dynamodbEndpoint ?? dynamodb.endpoint,
      throttle: faults.settings.throttle === true,
    });
  } catch (error) {
    await Promise.allSettled([metering?.stop(), dynamodb.stop(), sqs.stop()]);
    throw error;
  }
  faults.countWritesWith(capacityProxy);

  const running: RunningStack[] = [];
  const stopAll = async () => {
    stopping = true;
    await Promise.allSettled(running.map((stack) => stack.stop()));
    await capacityProxy.stop().catch(() => {});
    await metering?.stop().catch(() => {});
    await Promise.allSettled([dynamodb.stop(), sqs.stop()]);
  };
  try {
    for (const stack of synthesized) {
      running.push(
        await startStack(
          stack,
          {
            dynamodbEndpoint: metering?.dynamodbEndpoint ?? dynamodb.endpoint,
            sqsEndpoint: metering?.sqsEndpoint ?? sqs.endpoint,
            functionDynamodbEndpoint: capacityProxy.endpoint,
          },
          {
            port: ports[stack.name],
            log,
            faults,
            capacityProxy,
            functionLogs: options.functionLogs,
            acceptedItems: ACCEPTED_ORDERS,
          },
        ),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  // The stacks start one after the other, in seconds or minutes depending on the machine, and each
  // provisioned table's bucket banked burst capacity meanwhile: the runtime is handed over with none, so
  // throttling does not depend on how slowly the machine started.
  capacityProxy.emptyBuckets();

  const stateDir = options.stateDir === undefined ? DEFAULT_STATE_DIR : options.stateDir;
  if (stateDir) {
    const emulators = { dynamodbEndpoint: dynamodb.endpoint, sqsEndpoint: sqs.endpoint };
    writeEndpointsFile(
      Object.fromEntries(running.map((stack) => [stack.name, stackEndpoints(stack, emulators)])),
      stateDir,
    );
  }

  return {
    stacks: running,
    dynamodb,
    sqs,
    capacityProxy,
    metering,
    faults,
    notEmulated: [...new Set(synthesized.flatMap((stack) => notEmulated(stack)))].sort(),
    stop: stopAll,
  };
}
