import { performance } from "node:perf_hooks";
import { log, type RehearsalContext } from "./context";
import { STATE_BUCKET } from "./emulator-config";
import type { LockTest, StackResult } from "./report";
import { lastLines, seconds } from "./runner";
import type { Terraform } from "./terraform";

/**
 * One process holds the state lock (`terraform destroy` waiting at its confirmation prompt); a second
 * `plan -lock-timeout=0s` must be refused and print who holds it; answering "no" releases it.
 */
export async function lockTest(
  context: RehearsalContext,
  result: StackResult,
  terraform: Terraform,
  stateKey: string,
  targets: string[],
): Promise<void> {
  const lockObjectKey = `${stateKey}.tflock`;
  const test: LockTest = {
    stack: result.name,
    refused: false,
    printedLockInfo: {},
    lockObject: null,
    lockObjectKey,
    released: false,
    planAfterRelease: false,
  };
  context.report.lockTests.push(test);
  const since = performance.now();
  log(`${result.name}: lock test: terraform destroy waits at its prompt holding the lock`);
  const holder = terraform.start(["destroy", "-no-color"]);
  const untrack = context.hold(holder.child);
  let holderOutput = "";
  const prompted = new Promise<boolean>((resolve) => {
    holder.child.stdout?.on("data", (chunk: Buffer) => {
      holderOutput += chunk.toString();
      if (holderOutput.includes("Enter a value:")) resolve(true);
    });
    void holder.done.then(() => resolve(false));
  });
  try {
    if (!(await prompted)) {
      context.fail(
        `${result.name}: lock test: the lock holder ended before its prompt: ${lastLines(holderOutput)}`,
      );
      return;
    }
    const lockObject = await context.emulator<{
      exists: boolean;
      body: string | null;
    }>(["get-object", STATE_BUCKET, lockObjectKey]);
    test.lockObject =
      lockObject.exists && lockObject.body ? (JSON.parse(lockObject.body) as Record<string, string>) : null;
    const contender = await context.track(
      terraform.start(["plan", "-lock-timeout=0s", "-input=false", "-no-color", ...targets]),
    );
    const output = `${contender.stderr}${contender.stdout}`;
    test.refused = contender.exitCode === 1 && output.includes("Error acquiring the state lock");
    test.printedLockInfo = lockInfo(output);
  } finally {
    holder.child.stdin?.end("no\n");
    await holder.done;
    untrack();
  }
  const after = await context.emulator<{ exists: boolean }>(["get-object", STATE_BUCKET, lockObjectKey]);
  test.released = !after.exists;
  const planAfter = await context.track(
    terraform.start([
      "plan",
      "-lock-timeout=0s",
      "-detailed-exitcode",
      "-input=false",
      "-no-color",
      ...targets,
    ]),
  );
  // 0 or 2 (changes: emulator drift, judged by the second plan): the plan got the lock and ran.
  test.planAfterRelease =
    (planAfter.exitCode === 0 || planAfter.exitCode === 2) &&
    !`${planAfter.stderr}${planAfter.stdout}`.includes("Error acquiring the state lock");

  const heldBy = test.printedLockInfo.Who ?? "";
  const matches =
    test.lockObject !== null &&
    test.lockObject.ID === test.printedLockInfo.ID &&
    test.lockObject.Who === test.printedLockInfo.Who;
  const ok = test.refused && matches && test.released && test.planAfterRelease;
  const summary = `refused: ${test.refused}; holder ${heldBy} (ID ${test.printedLockInfo.ID ?? "?"}) matches ${lockObjectKey}: ${matches}; released: ${test.released}; plan after release: ${test.planAfterRelease}`;
  result.steps.push({ name: "lock test", ok, seconds: seconds(since), summary });
  log(`${result.name}: lock test ${ok ? "ok" : "FAILED"}: ${summary}`);
  if (!ok) context.fail(`${result.name}: lock test: ${summary}`);
}

/** The "Lock Info:" block of Terraform's "Error acquiring the state lock" message. */
export function lockInfo(output: string): Record<string, string> {
  const info: Record<string, string> = {};
  const block = output.split("Lock Info:")[1] ?? "";
  for (const line of block.split("\n")) {
    const match = /^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*)$/.exec(line);
    if (match) info[match[1]] = match[2].trim();
  }
  return info;
}
