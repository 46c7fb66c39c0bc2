import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type FunctionLogs, routeWorkerOutput, workerOutputOptions } from "./function-logs";
import type { WorkerInit, WorkerMessage } from "./types";

const runtimeWorkerFile = join(__dirname, "runtime-worker.cjs");
/** Lambda gives the init phase 10 seconds. */
const initTimeoutMs = 10_000;

export type EnvironmentFailure = {
  ok: false;
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
};
export type EnvironmentOutcome = { ok: true; payload: unknown } | EnvironmentFailure;

/** One Lambda execution environment: a worker thread that loaded the bundle once and is reused while warm. */
export class ExecutionEnvironment {
  private readonly worker: Worker;
  private alive = true;
  private onMessage?: (message: WorkerMessage) => void;
  private onDeath?: (failure: EnvironmentFailure) => void;

  private constructor(init: WorkerInit, env: Record<string, string>, logs: FunctionLogs) {
    this.worker = new Worker(runtimeWorkerFile, {
      workerData: init,
      env,
      resourceLimits: { maxOldGenerationSizeMb: init.memorySizeMb },
      ...workerOutputOptions(logs),
    });
    routeWorkerOutput(this.worker, init.functionName, logs);
    this.worker.on("message", (message: WorkerMessage) => this.onMessage?.(message));
    this.worker.on("error", (error) => this.die(failure(error.name || "Runtime.Unknown", error.message)));
    this.worker.on("exit", (code) =>
      this.die(failure("Runtime.ExitError", `Runtime exited with error: exit status ${code}`)),
    );
  }

  /** Starts a worker and waits for its init phase: resolves with the environment or the init failure. */
  static async start(
    init: WorkerInit,
    env: Record<string, string>,
    logs: FunctionLogs = "inherit",
  ): Promise<ExecutionEnvironment | EnvironmentFailure> {
    const environment = new ExecutionEnvironment(init, env, logs);
    const initFailure = await environment.exchange<EnvironmentFailure | undefined>(initTimeoutMs, {
      onMessage: (message, settle) => {
        if (message.type === "ready") settle(undefined);
        if (message.type === "init-error") {
          const { type: _type, ...rest } = message;
          settle({ ok: false, ...rest });
        }
      },
      onTimeout: () => failure("Runtime.InitTimeout", `Init phase exceeded ${initTimeoutMs / 1000} seconds`),
    });
    if (initFailure) {
      await environment.terminate();
      return initFailure;
    }
    environment.worker.unref();
    return environment;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Runs one invocation. A timeout terminates the worker (the environment is gone) and fails the invocation. */
  async invoke(requestId: string, event: unknown, timeoutSeconds: number): Promise<EnvironmentOutcome> {
    if (!this.alive) return failure("Runtime.ExitError", "Execution environment is gone");
    this.worker.ref();
    const timeoutMs = timeoutSeconds * 1000;
    const outcome = await this.exchange<EnvironmentOutcome>(timeoutMs, {
      onMessage: (message, settle) => {
        if (message.type !== "result" || message.requestId !== requestId) return;
        const { type: _type, requestId: _requestId, ...rest } = message;
        settle(rest);
      },
      onTimeout: () =>
        failure(
          "Sandbox.Timedout",
          `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        ),
      send: { type: "invoke", requestId, event, deadlineMs: Date.now() + timeoutMs },
    });
    if (this.alive) this.worker.unref();
    return outcome;
  }

  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  /** Waits for one answer from the worker; a timeout or the worker's death also ends the wait. */
  private exchange<T>(
    timeoutMs: number,
    handlers: {
      onMessage: (message: WorkerMessage, settle: (value: T) => void) => void;
      onTimeout: () => EnvironmentFailure;
      send?: unknown;
    },
  ): Promise<T | EnvironmentFailure> {
    return new Promise((resolve) => {
      const settle = (value: T | EnvironmentFailure) => {
        clearTimeout(timer);
        this.onMessage = undefined;
        this.onDeath = undefined;
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.alive = false;
        void this.worker.terminate();
        settle(handlers.onTimeout());
      }, timeoutMs);
      this.onMessage = (message) => handlers.onMessage(message, settle);
      this.onDeath = settle;
      if (handlers.send !== undefined) this.worker.postMessage(handlers.send);
    });
  }

  private die(reason: EnvironmentFailure): void {
    this.alive = false;
    this.onDeath?.(reason);
  }
}

function failure(errorType: string, errorMessage: string): EnvironmentFailure {
  return { ok: false, errorType, errorMessage };
}
