import type { RunningStack } from "../../emulator/stack-runtime";

function invocationCount(stack: RunningStack): number {
  return [...stack.functions.values()].reduce((sum, fn) => sum + fn.stats.invocations, 0);
}

/**
 * Waits until the stack is quiet: every stream read to its end, every source queue empty (nothing
 * visible, in flight or delayed, so retries and redeliveries have run their course), and a whole round
 * of those checks passed without any new invocation.
 */
export async function waitForQuiescence(stack: RunningStack, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
  for (;;) {
    await stack.orderMutationsSettled();
    const before = invocationCount(stack);
    for (const mapping of stack.mappings) {
      if (mapping.kind === "sqs" && "drained" in mapping.source) await mapping.source.drained(remaining());
      else await mapping.source.idle(remaining());
    }
    if (invocationCount(stack) === before) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error(`${stack.name} still busy after ${timeoutMs} ms`);
  }
}
