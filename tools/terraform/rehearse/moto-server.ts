import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { killOnParentExit, terminateChild } from "../../../emulator/child-process-reaper";
import type { EmulatorExit, EmulatorProcess } from "../../../emulator/emulator-process";
import { findFreePort } from "../../../emulator/free-port";

export interface MotoServer extends EmulatorProcess {
  /** The moto package version the virtual environment holds. */
  version: string;
}

export class MotoStartError extends Error {
  override name = "MotoStartError";
}

const outputTailChars = 8000;

/*
 * moto's server runs in the venv's Python with a thread that reads stdin: stdin is a pipe from this
 * process, so when this process dies, however abruptly, the pipe closes and moto exits too.
 */
const launcher = `
import os, sys, threading
import moto
from moto.server import main
print("MOTO_VERSION " + moto.__version__, flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
`;

/**
 * Starts moto in server mode on a free loopback port and resolves once it answers HTTP; its output
 * (one line per request) goes to logFile.
 */
export async function startMotoServer(
  venvDir: string,
  logFile: string,
  startTimeoutMs = 60_000,
): Promise<MotoServer> {
  const port = await findFreePort();
  const child = spawn(join(venvDir, "bin", "python"), ["-c", launcher, String(port)], {
    stdio: ["pipe", "pipe", "pipe"],
    // AWS managed policies (AmazonAPIGatewayPushToCloudWatchLogs, attached by account-setup) exist in
    // moto's IAM only when it loads them.
    env: { ...process.env, PYTHONUNBUFFERED: "1", MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
  });
  killOnParentExit(child);

  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputTailChars);
    appendFileSync(logFile, chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  let stopRequested = false;
  const exited = new Promise<EmulatorExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, requested: stopRequested, output }));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  let exitedEarly: EmulatorExit | undefined;
  void exited.then((exit) => {
    exitedEarly = exit;
  });
  while (!(await answers(endpoint))) {
    if (exitedEarly || Date.now() > deadline) {
      await terminateChild(child);
      throw new MotoStartError(
        exitedEarly
          ? `moto exited during startup (code ${exitedEarly.code}). Output:\n${output}`
          : `moto did not answer on ${endpoint} within ${startTimeoutMs} ms. Output:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const version = /MOTO_VERSION (\S+)/.exec(output)?.[1] ?? "unknown";
  return {
    endpoint,
    port,
    pid: child.pid,
    version,
    exited,
    async stop() {
      stopRequested = true;
      await terminateChild(child);
    },
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
