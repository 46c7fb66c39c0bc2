/*
 * What both rehearsals (rehearse.ts with terraform, cli.ts with the cdktf CLI) run their commands and
 * themselves with.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../../shared/synthesize";

export function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

export function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" / ");
}

/**
 * Spawns a command without blocking the event loop (so Ctrl-C is handled while it runs), in its own
 * process group like Terraform (stopGroup() interrupts it).
 */
export function runAsync(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** The command line of one aws_emulator.py command (boto3 against the emulator at endpoint), which answers JSON. */
export function awsEmulatorCommand(venv: string, endpoint: string, args: string[]): [string, string[]] {
  return [join(venv, "bin", "python"), [join(__dirname, "aws_emulator.py"), endpoint, ...args]];
}

/** The kinds of resource an aws_emulator.py inventory still lists, with what is left of each. */
export function leftovers(inventory: Record<string, unknown>): string[] {
  return Object.entries(inventory)
    .filter(([, value]) =>
      Array.isArray(value)
        ? value.length > 0
        : typeof value === "object" && value !== null
          ? Object.keys(value).length > 0
          : Boolean(value),
    )
    .map(([kind, value]) => `${kind}: ${JSON.stringify(value)}`);
}

/** What runRehearsal needs of a rehearsal: its cleanup and the report both write into. */
export interface RunnableRehearsal {
  readonly report: { failures: string[]; ok: boolean };
  finish(): Promise<void>;
}

/**
 * Runs a rehearsal's steps as a command: cleans up (moto stopped, report written) once, whether the steps
 * finish, throw or are interrupted, and exits 0 only when the report passed.
 */
export async function runRehearsal(rehearsal: RunnableRehearsal, steps: () => Promise<void>): Promise<void> {
  // A closed pipe (`npm run rehearse | head`, or its reader stopped by Ctrl-C) must not stop the cleanup.
  process.stdout.on("error", () => {});
  let finishing: Promise<void> | undefined;
  const finish = () => {
    finishing ??= rehearsal.finish();
    return finishing;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // `on`, not `once`: a repeated Ctrl-C must not kill this process before moto is stopped.
    process.on(signal, () => {
      if (finishing) return;
      rehearsal.report.failures.push(`interrupted by ${signal}`);
      void finish().then(() => process.exit(130));
    });
  }
  try {
    await steps();
  } catch (error) {
    rehearsal.report.failures.push(
      `rehearsal stopped: ${error instanceof Error ? error.message : String(error)}`,
    );
    console.error(error);
  }
  await finish();
  process.exit(rehearsal.report.ok ? 0 : 1);
}
