import type { ChildProcess } from "node:child_process";

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Kills the child when this Node process exits, so no emulator outlives its parent.
 * ('exit' listeners run synchronously; kill() is synchronous, so this is safe there.)
 */
export function killOnParentExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.on("exit", () => {
      for (const c of liveChildren) c.kill("SIGKILL");
    });
    exitHookInstalled = true;
  }
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

/** Sends SIGTERM, escalates to SIGKILL after graceMs, resolves once the child has exited. */
export function terminateChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  const neverStarted = child.pid === undefined;
  if (neverStarted || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
