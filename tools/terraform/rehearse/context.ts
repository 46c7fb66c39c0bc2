import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../../shared/synthesize";
import { loadToolchain } from "../toolchain";
import { EMULATOR_CREDENTIALS, REGION, STATE_BUCKET } from "./emulator-config";
import type { MotoServer } from "./moto-server";
import type { RehearsalReport, StackResult } from "./report";
import { awsEmulatorCommand, lastLines, runAsync, seconds } from "./runner";
import type { RehearsedStack } from "./stacks";
import { stopGroup, type Terraform, type TerraformRun } from "./terraform";

export const OUT = join(PROJECT_ROOT, "rehearsal");
export const WORK = join(OUT, "work");
export const LOGS = join(OUT, "logs");

export function log(message: string): void {
  process.stdout.write(`[rehearse] ${message}\n`);
}

/** One step of the rehearsal: what it does to the shared context, and when it has nothing to do. */
export interface RehearsalStep {
  name: string;
  /** Why the step does not run this time, if it does not. */
  skipped?: (context: RehearsalContext) => string | undefined;
  run(context: RehearsalContext): Promise<void>;
}

/** A stack after its deploy, with the Terraform working copy it was deployed from. */
export interface DeployedStack {
  stack: RehearsedStack;
  result: StackResult;
  terraform: Terraform;
}

/** What the steps share: the report they fill in, the running emulator and child processes, the stacks. */
export class RehearsalContext {
  readonly started = performance.now();
  readonly toolchain = loadToolchain();
  /** The Python environment with moto and boto3 (tools/python/venv.sh). */
  venv = "";
  moto?: MotoServer;
  stacks: RehearsedStack[] = [];
  deployed: DeployedStack[] = [];
  /** The state bucket was created by the rehearsal itself rather than by account-setup. */
  bucketMadeHere = false;
  /** Resource types left out of apply and plans: their emulator gap was confirmed by its probe. */
  readonly excludedTypes = new Set<string>();
  private readonly liveChildren = new Set<ChildProcess>();
  readonly report: RehearsalReport;

  constructor(destroySkipped: boolean) {
    this.report = {
      startedAt: new Date().toISOString(),
      seconds: 0,
      ok: false,
      failures: [],
      toolchain: {
        terraformBinary: "",
        terraformVersion: "",
        providers: {},
        providerVersions: {},
        toolchainEnv: {},
      },
      emulator: { name: "moto", version: "", endpoint: "", conditionalWrites: false },
      stateBucket: { name: STATE_BUCKET, createdBy: "" },
      stacks: [],
      lockTests: [],
      tableReplacements: [],
      gaps: [],
      gapProbes: [],
      inventoryAfterDestroy: null,
      destroySkipped,
      setupSteps: [],
    };
  }

  fail(message: string): void {
    log(`FAILED: ${message}`);
    this.report.failures.push(message);
  }

  /** A step outside any one stack's Terraform, timed into the report's setupSteps. */
  async setupStep<T>(name: string, action: () => T | Promise<T>, summary: (result: T) => string): Promise<T> {
    const since = performance.now();
    log(`${name}...`);
    try {
      const result = await action();
      this.report.setupSteps.push({ name, ok: true, seconds: seconds(since), summary: summary(result) });
      return result;
    } catch (error) {
      this.report.setupSteps.push({ name, ok: false, seconds: seconds(since), summary: String(error) });
      throw error;
    }
  }

  /** Runs a helper command (venv.sh, aws_emulator.py) to completion; its stdout, or an error. */
  async tool(command: string, args: string[]): Promise<string> {
    const { child, done } = runAsync(command, args);
    this.liveChildren.add(child);
    const { code, stdout, stderr } = await done.finally(() => this.liveChildren.delete(child));
    if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code}): ${lastLines(stderr)}`);
    return stdout;
  }

  /** The running emulator's endpoint. */
  endpoint(): string {
    if (!this.moto) throw new Error("the emulator is not running");
    return this.moto.endpoint;
  }

  /** One command of aws_emulator.py (boto3 against the emulator), its JSON answer. */
  async emulator<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.tool(...awsEmulatorCommand(this.venv, this.endpoint(), args))) as T;
  }

  /** The environment of every Terraform command: the emulator's dummy credentials, nothing of the user's AWS. */
  terraformEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKey,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretKey,
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
    };
    for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "TF_WORKSPACE"])
      delete env[name];
    if (this.toolchain.cliConfigFile) env.TF_CLI_CONFIG_FILE = this.toolchain.cliConfigFile;
    return env;
  }

  /** A started Terraform command, stopped with the others on an interrupt; its stdin closed. */
  track({ child, done }: ReturnType<Terraform["start"]>): Promise<TerraformRun> {
    this.liveChildren.add(child);
    child.stdin?.end();
    return done.finally(() => this.liveChildren.delete(child));
  }

  /** A started command that waits at a prompt: stopped with the others on an interrupt, stdin left open. */
  hold(child: ChildProcess): () => void {
    this.liveChildren.add(child);
    return () => this.liveChildren.delete(child);
  }

  /** One Terraform command of a stack, judged and recorded as one of the stack's steps. */
  async terraformStep(
    result: StackResult,
    terraform: Terraform,
    name: string,
    args: string[],
    judge: (run: TerraformRun) => { ok: boolean; summary: string },
  ): Promise<TerraformRun> {
    log(`${result.name}: ${name} (terraform ${shown(args)})`);
    const run = await this.track(terraform.start(args));
    const { ok, summary } = judge(run);
    result.steps.push({ name, ok, seconds: run.seconds, summary });
    log(`${result.name}: ${name} ${ok ? "ok" : "FAILED"} in ${run.seconds} s: ${summary}`);
    if (!ok) this.fail(`${result.name}: ${name}: ${summary}`);
    return run;
  }

  /**
   * After an interrupt: each running Terraform gets one SIGINT (it runs in its own process group, so
   * the terminal's Ctrl-C did not reach it) and 60 s to stop cleanly, then its group is killed.
   */
  async stopChildren(): Promise<void> {
    const running = [...this.liveChildren].filter((c) => c.exitCode === null && c.signalCode === null);
    if (running.length === 0) return;
    log(`stopping ${running.length} child process(es)`);
    await Promise.all(running.map((child) => stopGroup(child, 60_000)));
  }
}

/** Command arguments for the console: the -target list of an exclusion as a count. */
function shown(args: string[]): string {
  const targets = args.filter((a) => a.startsWith("-target=")).length;
  const rest = args.filter((a) => !a.startsWith("-target=")).join(" ");
  return targets === 0 ? rest : `${rest} -target=… (${targets} resources)`;
}
