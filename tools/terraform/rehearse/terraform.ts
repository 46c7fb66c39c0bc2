import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** What one Terraform command did. */
export interface TerraformRun {
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** One error diagnostic from a `-json` run: what failed, and on which resource when Terraform says. */
export interface Diagnostic {
  summary: string;
  detail: string;
  address?: string;
}

/** Runs Terraform commands in one working directory, logging each to logFile. */
export class Terraform {
  constructor(
    private readonly binary: string,
    readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  async run(args: string[]): Promise<TerraformRun> {
    const { child, done } = this.start(args);
    child.stdin?.end();
    return done;
  }

  /** Starts a command and leaves its stdin open, for commands that wait at a prompt. */
  start(args: string[]): { child: ChildProcess; done: Promise<TerraformRun> } {
    const started = performance.now();
    appendFileSync(this.logFile, `\n$ terraform ${args.join(" ")}\n`);
    // Its own process group: Ctrl-C reaches Terraform once, from stopGroup(), and a kill of the group
    // also ends the provider plugins it started.
    const child = spawn(this.binary, args, {
      cwd: this.cwd,
      env: this.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    liveGroups.add(child);
    child.once("exit", () => liveGroups.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      appendFileSync(this.logFile, chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      appendFileSync(this.logFile, chunk);
    });
    const done = new Promise<TerraformRun>((resolve) => {
      child.once("error", (error) => {
        resolve({ args, exitCode: null, stdout, stderr: `${stderr}${error.message}`, seconds: 0 });
      });
      child.once("close", (exitCode) => {
        const seconds = Math.round((performance.now() - started) / 100) / 10;
        appendFileSync(this.logFile, `[exit ${exitCode} after ${seconds} s]\n`);
        resolve({ args, exitCode, stdout, stderr, seconds });
      });
    });
    return { child, done };
  }
}

const liveGroups = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveGroups) signalGroup(child, "SIGKILL");
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // the group has already gone
  }
}

/** Interrupts a running Terraform as Ctrl-C would, then kills its process group after graceMs. */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child, "SIGINT");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child, "SIGKILL");
}

/** The error diagnostics of a `-json` run (apply, destroy, plan), in the order Terraform printed them. */
export function errorDiagnostics(jsonLines: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as {
      type?: string;
      diagnostic?: { severity: string; summary: string; detail?: string; address?: string };
    };
    if (message.type !== "diagnostic" || message.diagnostic?.severity !== "error") continue;
    const { summary, detail, address } = message.diagnostic;
    diagnostics.push({ summary, detail: detail ?? "", ...(address ? { address } : {}) });
  }
  return diagnostics;
}

/** The `change_summary` counts of a `-json` run. */
export function changeSummary(
  jsonLines: string,
): { add: number; change: number; remove: number } | undefined {
  let summary: { add: number; change: number; remove: number } | undefined;
  for (const line of jsonLines.split("\n")) {
    if (!line.includes('"change_summary"')) continue;
    const { changes } = JSON.parse(line) as { changes: { add: number; change: number; remove: number } };
    summary = { add: changes.add, change: changes.change, remove: changes.remove };
  }
  return summary;
}

/** One entry of `resource_changes` in `terraform show -json <plan>`. */
export interface ResourceChange {
  address: string;
  type: string;
  mode: string;
  change: {
    actions: string[];
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown>;
  };
}

export interface PlanJson {
  resource_changes?: ResourceChange[];
}

export interface PendingChange {
  address: string;
  type: string;
  actions: string[];
  /** For an update: the top-level arguments whose planned value differs from the state. */
  arguments: string[];
}

/** Resource changes other than no-op and read. */
export function pendingChanges(plan: PlanJson): PendingChange[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => !rc.change.actions.every((action) => action === "no-op" || action === "read"))
    .map((rc) => ({
      address: rc.address,
      type: rc.type,
      actions: rc.change.actions,
      arguments: changedArguments(
        rc.change.before ?? {},
        rc.change.after ?? {},
        rc.change.after_unknown ?? {},
      ),
    }));
}

/** Arguments set to a new known value; values known only after apply (computed) follow from those. */
function changedArguments(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  afterUnknown: Record<string, unknown>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => afterUnknown[name] !== true)
    .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
    .sort();
}
