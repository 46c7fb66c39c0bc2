import { randomUUID } from "node:crypto";
import { Semaphore } from "../semaphore";
import { ExecutionEnvironment } from "./execution-environment";
import type { FunctionLogs } from "./function-logs";
import { lambdaEnvironmentVariables } from "./lambda-environment-variables";
import type {
  Invocation,
  InvocationMiddleware,
  InvocationResult,
  InvokeOptions,
  LocalFunctionConfig,
  LocalFunctionStats,
  WorkerInit,
} from "./types";

const defaultMemorySizeMb = 128;
const defaultMaxConcurrency = 10;

/**
 * A Lambda function run locally: each execution environment is a worker thread with its own env,
 * kept warm between invocations; at most maxConcurrency environments run at once.
 */
export class LocalFunction {
  readonly name: string;
  readonly arn: string;
  private readonly init: WorkerInit;
  private readonly env: Record<string, string>;
  readonly timeoutSeconds: number;
  private readonly logs: FunctionLogs;
  private readonly concurrency: Semaphore;
  private readonly warm: ExecutionEnvironment[] = [];
  private readonly busy = new Set<ExecutionEnvironment>();
  private readonly middleware: InvocationMiddleware[] = [];
  private closed = false;
  private readonly counters = {
    invocations: 0,
    failures: 0,
    timeouts: 0,
    coldStarts: 0,
    inFlight: 0,
    maxInFlight: 0,
  };

  constructor(config: LocalFunctionConfig) {
    const region = config.region ?? "us-east-1";
    const memorySizeMb = config.memorySizeMb ?? defaultMemorySizeMb;
    this.name = config.name;
    this.arn = config.functionArn ?? `arn:aws:lambda:${region}:000000000000:function:${config.name}`;
    this.timeoutSeconds = config.timeoutSeconds;
    this.logs = config.logs ?? "inherit";
    this.concurrency = new Semaphore(config.maxConcurrency ?? defaultMaxConcurrency);
    this.init = {
      functionName: config.name,
      functionArn: this.arn,
      bundleFile: config.bundleFile,
      handler: config.handler,
      memorySizeMb,
    };
    this.env = lambdaEnvironmentVariables({
      functionName: config.name,
      handler: config.handler,
      memorySizeMb,
      region,
      environment: config.environment,
    });
  }

  /** Registers middleware around every invocation; returns a function that removes it. */
  use(middleware: InvocationMiddleware): () => void {
    this.middleware.push(middleware);
    return () => {
      const index = this.middleware.indexOf(middleware);
      if (index >= 0) this.middleware.splice(index, 1);
    };
  }

  /** Synchronous (RequestResponse) invocation through the middleware chain. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvocationResult> {
    const chain = [...this.middleware, ...(options.middleware ?? [])];
    const invocation: Invocation = {
      functionName: this.name,
      functionArn: this.arn,
      timeoutSeconds: this.timeoutSeconds,
      event,
    };
    const callAt = (index: number, currentEvent: unknown): Promise<InvocationResult> => {
      const middleware = chain[index];
      if (!middleware) return this.invokeHandler(currentEvent);
      return middleware({ ...invocation, event: currentEvent }, (nextEvent) => callAt(index + 1, nextEvent));
    };
    return callAt(0, event);
  }

  get stats(): LocalFunctionStats {
    return { ...this.counters, environments: this.warm.length + this.busy.size };
  }

  /** Terminates all execution environments; later invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.warm, ...this.busy];
    this.warm.length = 0;
    this.busy.clear();
    await Promise.all(all.map((environment) => environment.terminate()));
  }

  private invokeHandler(event: unknown): Promise<InvocationResult> {
    return this.concurrency.withPermit(async () => {
      const requestId = randomUUID();
      const startedAt = Date.now();
      this.counters.invocations++;
      this.counters.inFlight++;
      this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
      try {
        const result = await this.runInEnvironment(requestId, event);
        if (!result.ok) this.counters.failures++;
        if (!result.ok && result.errorType === "Sandbox.Timedout") this.counters.timeouts++;
        return { ...result, requestId, durationMs: Date.now() - startedAt };
      } finally {
        this.counters.inFlight--;
      }
    });
  }

  private async runInEnvironment(requestId: string, event: unknown) {
    if (this.closed) {
      return {
        ok: false as const,
        errorType: "Local.FunctionClosed",
        errorMessage: `${this.name} was closed`,
      };
    }
    const environment = this.takeWarmEnvironment() ?? (await this.startEnvironment());
    if (!(environment instanceof ExecutionEnvironment)) return environment;
    this.busy.add(environment);
    try {
      return await environment.invoke(requestId, event, this.timeoutSeconds);
    } finally {
      this.busy.delete(environment);
      if (environment.isAlive && !this.closed) this.warm.push(environment);
      else await environment.terminate();
    }
  }

  private takeWarmEnvironment(): ExecutionEnvironment | undefined {
    while (this.warm.length > 0) {
      const environment = this.warm.pop();
      if (environment?.isAlive) return environment;
    }
    return undefined;
  }

  private startEnvironment() {
    this.counters.coldStarts++;
    return ExecutionEnvironment.start(this.init, this.env, this.logs);
  }
}
