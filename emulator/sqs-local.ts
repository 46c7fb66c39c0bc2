import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { SQSClient } from "@aws-sdk/client-sqs";
import { killOnParentExit, terminateChild } from "./child-process-reaper";
import type { EmulatorExit, EmulatorProcess, StartEmulatorOptions } from "./emulator-process";
import { findFreePort, isPortFree } from "./free-port";
import { localClientConfig } from "./local-credentials";

export type SqsLocalExit = EmulatorExit;
export type SqsLocal = EmulatorProcess;
export interface StartSqsLocalOptions extends StartEmulatorOptions {
  /** Port the queue URLs name, when a proxy in front of the emulator should receive every request; the emulator's own by default. */
  queueUrlPort?: number;
}

export class SqsLocalStartError extends Error {
  override name = "SqsLocalStartError";
}

const projectRoot = join(__dirname, "..");
const fauxqsModule = (file: string) =>
  pathToFileURL(join(projectRoot, "node_modules/fauxqs/dist", file)).href;
const childModules = {
  SQS_LOCAL_STORE_MODULE: fauxqsModule("sqs/sqsStore.js"),
  SQS_LOCAL_ROUTER_MODULE: fauxqsModule("sqs/sqsRouter.js"),
  SQS_LOCAL_ERRORS_MODULE: fauxqsModule("common/errors.js"),
  SQS_LOCAL_MESSAGE_MOVE_MODULE: pathToFileURL(join(__dirname, "sqs-message-move.ts")).href,
};
const outputTailChars = 4000;

/*
 * fauxqs is ESM-only (Jest's CommonJS runtime cannot load it), so it runs in a child Node process.
 * Its queue URLs normally look like http://sqs.<region>.localhost:<port>/..., a host name that does not
 * resolve on every machine; the AWS SDK sends requests to the QueueUrl host unless the client has an
 * explicit endpoint. The child therefore makes queue URLs http://127.0.0.1:<port>/000000000000/<name>.
 * fauxqs has no DLQ redrive: the child adds StartMessageMoveTask and ListMessageMoveTasks to its router
 * (sqs-message-move.ts, loaded through tsx).
 */
const childProgram = `
const port = Number(process.env.SQS_LOCAL_PORT);
const { SqsStore } = await import(process.env.SQS_LOCAL_STORE_MODULE);
const urlPort = Number(process.env.SQS_LOCAL_URL_PORT);
SqsStore.prototype.buildQueueUrl = (queueName) => "http://127.0.0.1:" + urlPort + "/000000000000/" + queueName;
const { SqsRouter } = await import(process.env.SQS_LOCAL_ROUTER_MODULE);
const { SqsError } = await import(process.env.SQS_LOCAL_ERRORS_MODULE);
// The project's .ts modules are CommonJS: an ESM import sees their exports on \`default\`.
const { messageMoveActions } = (await import(process.env.SQS_LOCAL_MESSAGE_MOVE_MODULE)).default;
const moveActions = messageMoveActions({
  createMessage: (body, attributes) => SqsStore.createMessage(body, attributes),
  error: (code, message) => new SqsError(code, message),
  now: () => Date.now(),
});
const handle = SqsRouter.prototype.handle;
SqsRouter.prototype.handle = function (request, reply) {
  for (const [action, handler] of Object.entries(moveActions)) {
    if (!this.handlers.has(action)) this.handlers.set(action, handler);
  }
  return handle.call(this, request, reply);
};
const { startFauxqs } = await import("fauxqs");
await startFauxqs({ port, logger: false });
console.log("SQS_LOCAL_READY");
// stdin is a pipe from the parent: when the parent dies, however abruptly, it closes and this process ends.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

/** Starts the fauxqs SQS emulator in a child process on a loopback port. */
export async function startSqsLocal(options: StartSqsLocalOptions = {}): Promise<SqsLocal> {
  const port = options.port ?? (await findFreePort());
  if (!(await isPortFree(port))) {
    throw new SqsLocalStartError(`SQS emulator cannot start: port ${port} is already in use.`);
  }
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", childProgram], {
    cwd: projectRoot,
    env: {
      ...process.env,
      SQS_LOCAL_PORT: String(port),
      SQS_LOCAL_URL_PORT: String(options.queueUrlPort ?? port),
      ...childModules,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  killOnParentExit(child);

  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputTailChars);
  });
  const stdout = child.stdout;
  const ready = new Promise<void>((resolve) => {
    stdout?.setEncoding("utf8");
    if (stdout)
      createInterface({ input: stdout }).on("line", (line) => {
        if (line === "SQS_LOCAL_READY") resolve();
        else output = `${output}${line}\n`.slice(-outputTailChars);
      });
  });

  let stopRequested = false;
  const exited = new Promise<SqsLocalExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, requested: stopRequested, output }));
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const failure = await Promise.race([
    ready.then(() => undefined),
    spawnError.then((e) => new SqsLocalStartError(`SQS emulator could not be spawned: ${e.message}`)),
    exited.then((exit) => describeEarlyExit(exit, port)),
    new Promise<Error>((resolve) => {
      timer = setTimeout(
        () => resolve(new SqsLocalStartError(`SQS emulator did not start within ${timeoutMs} ms.`)),
        timeoutMs,
      );
    }),
  ]);
  clearTimeout(timer);
  if (failure) {
    await terminateChild(child);
    throw failure;
  }

  void exited.then((exit) => options.onExit?.(exit));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    exited,
    async stop() {
      stopRequested = true;
      await terminateChild(child);
    },
  };
}

function describeEarlyExit(exit: SqsLocalExit, port: number): Error {
  if (/EADDRINUSE/.test(exit.output)) {
    return new SqsLocalStartError(`SQS emulator cannot start: port ${port} is already in use.`);
  }
  return new SqsLocalStartError(
    `SQS emulator exited during startup (code ${exit.code}, signal ${exit.signal}). Output:\n${exit.output}`,
  );
}

/** An SQS client pointed at a local endpoint with dummy credentials (us-east-1, local/local). */
export function createSqsLocalClient(endpoint: string): SQSClient {
  return new SQSClient(localClientConfig(endpoint));
}
