import { LocalFunction } from "../../../emulator/lambda";
import { HandlerBundles } from "../handler-bundles";

const bundles = new HandlerBundles();
const functions: LocalFunction[] = [];

function localFunction(
  name: string,
  source: string,
  overrides: Partial<ConstructorParameters<typeof LocalFunction>[0]> = {},
) {
  const fn = new LocalFunction({
    name,
    bundleFile: bundles.write(name, source),
    handler: "index.handler",
    environment: {},
    timeoutSeconds: 3,
    ...overrides,
  });
  functions.push(fn);
  return fn;
}

afterAll(async () => {
  await Promise.all(functions.map((fn) => fn.close()));
  bundles.remove();
});

describe("LocalFunction", () => {
  it("returns the handler's payload and passes an AWS-like context", async () => {
    const fn = localFunction(
      "echo",
      `exports.handler = async (event, context) => ({
        event,
        functionName: context.functionName,
        requestId: context.awsRequestId,
        arn: context.invokedFunctionArn,
        memory: context.memoryLimitInMB,
        remaining: context.getRemainingTimeInMillis(),
      });`,
      { memorySizeMb: 256 },
    );
    const result = await fn.invoke({ hello: "world" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const payload = result.payload as Record<string, unknown>;
    expect(payload.event).toEqual({ hello: "world" });
    expect(payload.functionName).toBe("echo");
    expect(payload.requestId).toBe(result.requestId);
    expect(payload.arn).toBe("arn:aws:lambda:us-east-1:000000000000:function:echo");
    expect(payload.memory).toBe("256");
    expect(payload.remaining).toBeGreaterThan(2000);
    expect(payload.remaining).toBeLessThanOrEqual(3000);
  });

  it("reports a thrown error as a failed invocation with its type and message", async () => {
    const fn = localFunction(
      "thrower",
      `class PoisonRecordError extends Error { constructor(m) { super(m); this.name = "PoisonRecordError"; } }
       exports.handler = async () => { throw new PoisonRecordError("bad record"); };`,
    );
    const result = await fn.invoke({});
    expect(result).toMatchObject({ ok: false, errorType: "PoisonRecordError", errorMessage: "bad record" });
  });

  it("reports a missing export as Runtime.HandlerNotFound", async () => {
    const fn = localFunction("no-export", "exports.other = async () => 1;");
    const result = await fn.invoke({});
    expect(result).toMatchObject({ ok: false, errorType: "Runtime.HandlerNotFound" });
  });

  it("reuses a warm environment: module state survives between invocations", async () => {
    const fn = localFunction("counter", "let count = 0; exports.handler = async () => ++count;");
    const payloads = [];
    for (let i = 0; i < 3; i++) payloads.push(((await fn.invoke({})) as { payload: unknown }).payload);
    expect(payloads).toEqual([1, 2, 3]);
    expect(fn.stats.coldStarts).toBe(1);
  });

  it("fails a timed-out invocation as Sandbox.Timedout and replaces the terminated environment", async () => {
    const fn = localFunction(
      "spinner",
      `let invocations = 0;
       exports.handler = async (event) => {
         invocations++;
         if (event.spin) { for (;;) {} }
         return invocations;
       };`,
      { timeoutSeconds: 0.5 },
    );
    const started = Date.now();
    const timedOut = await fn.invoke({ spin: true });
    expect(timedOut).toMatchObject({ ok: false, errorType: "Sandbox.Timedout" });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(fn.stats.environments).toBe(0);

    // A fresh environment: module state starts over, proving the busy one was terminated.
    const next = await fn.invoke({ spin: false });
    expect(next).toMatchObject({ ok: true, payload: 1 });
    expect(fn.stats).toMatchObject({ coldStarts: 2, timeouts: 1 });
  });

  it("gives each function its own environment variables, none inherited from the host", async () => {
    process.env.HOST_ONLY_SETTING = "leak";
    const source = `exports.handler = async () => ({
      table: process.env.SUMMARY_TABLE_NAME,
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      name: process.env.AWS_LAMBDA_FUNCTION_NAME,
      hostOnly: process.env.HOST_ONLY_SETTING ?? null,
    });`;
    const first = localFunction("env-a", source, {
      environment: { SUMMARY_TABLE_NAME: "summary-a", AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:1111" },
    });
    const second = localFunction("env-b", source, {
      environment: { SUMMARY_TABLE_NAME: "summary-b", AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:2222" },
    });
    const [a, b] = await Promise.all([first.invoke({}), second.invoke({})]);
    delete process.env.HOST_ONLY_SETTING;
    expect(a).toMatchObject({
      ok: true,
      payload: { table: "summary-a", endpoint: "http://127.0.0.1:1111", name: "env-a", hostOnly: null },
    });
    expect(b).toMatchObject({
      ok: true,
      payload: { table: "summary-b", endpoint: "http://127.0.0.1:2222", name: "env-b", hostOnly: null },
    });
  });

  it("runs at most maxConcurrency invocations at once", async () => {
    const fn = localFunction(
      "sleeper",
      "exports.handler = async () => { await new Promise((r) => setTimeout(r, 150)); return 'done'; };",
      { maxConcurrency: 2 },
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => fn.invoke({})));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fn.stats.maxInFlight).toBe(2);
    expect(fn.stats.coldStarts).toBe(2);
  });

  it("lets middleware wrap the real handler without changing it", async () => {
    const fn = localFunction(
      "wrapped",
      "let calls = 0; exports.handler = async (event) => ({ calls: ++calls, event });",
    );
    const removeDuplicator = fn.use(async (_invocation, next) => {
      await next({ duplicate: true });
      return next(_invocation.event);
    });
    const result = await fn.invoke(
      { original: true },
      {
        middleware: [
          async (invocation, next) => {
            const real = await next(invocation.event);
            return real.ok
              ? { ...real, ok: false, errorType: "Injected.Fault", errorMessage: "after handler" }
              : real;
          },
        ],
      },
    );
    expect(result).toMatchObject({ ok: false, errorType: "Injected.Fault" });
    removeDuplicator();
    const plain = await fn.invoke({ original: true });
    // Two real runs happened in the wrapped call (duplicate + original), so this is the third.
    expect(plain).toMatchObject({ ok: true, payload: { calls: 3, event: { original: true } } });
  });
});
