import { randomUUID } from "node:crypto";
import { stoppableSleep } from "../event-sources/stoppable-sleep";
import type { InvocationFailed, InvocationMiddleware, InvocationResult } from "../lambda";
import type { InvocationFault } from "./fault-settings";

export interface InvocationFaultHooks {
  /** Counts one event of the fault for the function; true when the fault fires. */
  decide(fault: InvocationFault, functionName: string): boolean;
  /** Called once per fault actually injected. */
  injected(fault: InvocationFault, functionName: string): void;
  /** Aborting it ends held timeouts at once (the runtime is stopping). */
  signal: AbortSignal;
}

function injectedFailure(
  errorType: string,
  errorMessage: string,
  requestId: string,
  durationMs: number,
): InvocationFailed {
  return { ok: false, errorType, errorMessage, requestId, durationMs };
}

function holdUntil(deadlineMs: number, signal: AbortSignal): Promise<void> {
  return stoppableSleep(Math.max(0, deadlineMs - Date.now()), signal);
}

/**
 * Fault injection around the real handler, decided in this order per invocation:
 * crash-before-write (handler not run); then, on a successful run, timeout (held until the function's
 * timeout, then Sandbox.Timedout), crash-after-write (result discarded), duplicate delivery (the same
 * event invoked once more; that second invocation's result is what the event source sees).
 */
export function invocationFaultMiddleware(hooks: InvocationFaultHooks): InvocationMiddleware {
  return async (invocation, next) => {
    const { functionName, timeoutSeconds } = invocation;
    const startedAt = Date.now();
    const fire = (fault: InvocationFault) => {
      const fires = hooks.decide(fault, functionName);
      if (fires) hooks.injected(fault, functionName);
      return fires;
    };

    if (fire("crashBeforeWrite")) {
      return injectedFailure(
        "Injected.CrashBeforeWrite",
        "Injected fault: the invocation failed before the handler ran",
        randomUUID(),
        0,
      );
    }
    const result: InvocationResult = await next(invocation.event);
    if (!result.ok) return result;

    if (fire("timeout")) {
      await holdUntil(startedAt + timeoutSeconds * 1000, hooks.signal);
      return injectedFailure(
        "Sandbox.Timedout",
        `RequestId: ${result.requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        result.requestId,
        Date.now() - startedAt,
      );
    }
    if (fire("crashAfterWrite")) {
      return injectedFailure(
        "Injected.CrashAfterWrite",
        "Injected fault: the handler ran but the invocation was reported failed",
        result.requestId,
        result.durationMs,
      );
    }
    if (fire("duplicateDelivery")) {
      return next(structuredClone(invocation.event));
    }
    return result;
  };
}
