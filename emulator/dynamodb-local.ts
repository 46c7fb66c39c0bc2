import { spawn } from "node:child_process";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { killOnParentExit, terminateChild } from "./child-process-reaper";
import type { EmulatorExit, EmulatorProcess, StartEmulatorOptions } from "./emulator-process";
import { findFreePort, isPortFree } from "./free-port";
import { localClientConfig } from "./local-credentials";

export type DynamoDbLocalExit = EmulatorExit;
export type DynamoDbLocal = EmulatorProcess;
export interface StartDynamoDbLocalOptions extends StartEmulatorOptions {
  /** Java executable. @default `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH */
  java?: string;
}

function javaExecutable(options: StartDynamoDbLocalOptions): string {
  if (options.java) return options.java;
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
}

export class DynamoDbLocalStartError extends Error {
  override name = "DynamoDbLocalStartError";
}

const emulatorDir = join(require.resolve("amplify-dynamodb-simulator/package.json"), "..", "emulator");
const outputTailChars = 4000;

/**
 * Starts DynamoDB Local in memory with -sharedDb, so every credential/region pair
 * (handlers in workers, tests, the CLI) sees the same tables.
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await findFreePort());
  if (options.port !== undefined && !(await isPortFree(port))) {
    throw new DynamoDbLocalStartError(`DynamoDB Local cannot start: port ${port} is already in use.`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const java = javaExecutable(options);
  const child = spawn(
    java,
    [
      `-Djava.library.path=${join(emulatorDir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(emulatorDir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { cwd: emulatorDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  killOnParentExit(child);

  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputTailChars);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  let stopRequested = false;
  const spawnFailure = new Promise<Error>((resolve) => child.once("error", resolve));
  const exited = new Promise<DynamoDbLocalExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, requested: stopRequested, output }));
  });

  const startFailure = Promise.race([
    spawnFailure.then((error) => describeSpawnFailure(error, java)),
    exited.then((exit) => describeEarlyExit(exit, port)),
  ]);
  const failure = await Promise.race([
    waitUntilAnswering(endpoint, options.startTimeoutMs ?? 90_000).then((error) => error),
    startFailure,
  ]);
  if (failure) {
    await terminateChild(child);
    throw failure;
  }

  void exited.then((exit) => options.onExit?.(exit));
  return {
    endpoint,
    port,
    pid: child.pid,
    exited,
    async stop() {
      stopRequested = true;
      await terminateChild(child);
    },
  };
}

function describeSpawnFailure(error: Error, java: string): Error {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    const where = java === "java" ? "`java` was not found on PATH" : `\`${java}\` was not found`;
    return new DynamoDbLocalStartError(
      `DynamoDB Local needs Java (17 or newer) but ${where}. ` +
        "Install it, e.g. `apt-get install -y default-jre-headless`, or set JAVA_HOME.",
    );
  }
  return new DynamoDbLocalStartError(`DynamoDB Local could not be spawned: ${error.message}`);
}

function describeEarlyExit(exit: DynamoDbLocalExit, port: number): Error {
  if (/Address already in use|BindException/i.test(exit.output)) {
    return new DynamoDbLocalStartError(`DynamoDB Local cannot start: port ${port} is already in use.`);
  }
  return new DynamoDbLocalStartError(
    `DynamoDB Local exited during startup (code ${exit.code}, signal ${exit.signal}). Output:\n${exit.output}`,
  );
}

/** Resolves with undefined once ListTables answers, or with an error after timeoutMs. */
async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<Error | undefined> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2000) });
        return undefined;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    return new DynamoDbLocalStartError(
      `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms.`,
    );
  } finally {
    client.destroy();
  }
}

export interface DynamoDbLocalClients {
  dynamoDb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  streams: DynamoDBStreamsClient;
  destroy(): void;
}

/** SDK clients pointed at a local endpoint with dummy credentials (us-east-1, local/local). */
export function createDynamoDbLocalClients(endpoint: string): DynamoDbLocalClients {
  const dynamoDb = new DynamoDBClient(localClientConfig(endpoint));
  const streams = new DynamoDBStreamsClient(localClientConfig(endpoint));
  return {
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb),
    streams,
    destroy() {
      dynamoDb.destroy();
      streams.destroy();
    },
  };
}
