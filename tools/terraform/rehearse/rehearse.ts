/**
 * npm run rehearse: the whole Terraform lifecycle of every stack, with the real Terraform and AWS
 * provider, against moto (a local AWS API emulator) on a free loopback port. See README, "Prove it
 * with Terraform". Writes rehearsal/report.json and rehearsal/report.md; exits 1 when a check fails.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { ACCOUNT_SETUP_STACK_NAME } from "../../../stacks/account-setup-stack";
import { PROJECT_ROOT, synthesize } from "../../shared/synthesize";
import {
  BACKEND_CONFIG_FILE,
  EMULATOR_CREDENTIALS,
  PROVIDER_OVERRIDE_FILE,
  providerOverride,
  s3BackendConfig,
} from "./emulator-config";
import { EMULATOR_GAPS, gapHandling } from "./emulator-gaps";
import { type MotoServer, startMotoServer } from "./moto-server";
import type { EmulatorGap, LockTest, RehearsalReport, StackResult, TableReplacement } from "./report";
import { writeReport } from "./report";
import {
  changeSummary,
  errorDiagnostics,
  type PendingChange,
  type PlanJson,
  pendingChanges,
  stopGroup,
  Terraform,
} from "./terraform";

export const CACHE = process.env.CQRS_TOOLCHAIN_CACHE || join(homedir(), ".cache", "cqrs-projections");
const OUT = join(PROJECT_ROOT, "rehearsal");
const WORK = join(OUT, "work");
const LOGS = join(OUT, "logs");
export const REGION = "us-east-1";
/** The bucket the stacks' S3 backend is synthesized with, and that account-setup creates. */
export const STATE_BUCKET = "cqrs-projections-rehearsal-tfstate";
export const SETUP_STACK = ACCOUNT_SETUP_STACK_NAME;
const CONDITIONAL_WRITE_PROBE_BUCKET = "cqrs-rehearsal-conditional-write-probe";

export interface Toolchain {
  terraformBinary: string;
  cliConfigFile?: string;
  env: Record<string, string>;
}

/** tools/terraform/toolchain.sh's toolchain.env (KEY=value, quoted values in '') when present, else `terraform` on PATH. */
export function loadToolchain(): Toolchain {
  const file = join(CACHE, "toolchain.env");
  if (!existsSync(file)) return { terraformBinary: "terraform", env: {} };
  const env = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2].replace(/^'(.*)'$/, "$1")]),
  );
  return { terraformBinary: env.TERRAFORM_BIN ?? "terraform", cliConfigFile: env.TF_CLI_CONFIG_FILE, env };
}

export function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

function log(message: string): void {
  process.stdout.write(`[rehearse] ${message}\n`);
}

/**
 * Spawns a command without blocking the event loop (so Ctrl-C is handled while it runs), in its own
 * process group like Terraform (stopChildren() interrupts it).
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

/** What the rehearsal needs of a synthesized stack: where it is, its backend, resources and providers. */
export interface RehearsalStack {
  name: string;
  dir: string;
  s3Backend?: { bucket: string; key: string; use_lockfile?: boolean };
  /** Addresses of the managed resources (`aws_sqs_queue.name`). */
  resources: string[];
  /** `required_providers`: local name -> source and pinned version. */
  requiredProviders: Record<string, { source: string; version?: string }>;
}

export function synthesizedStacks(outdir: string): RehearsalStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }>;
  };
  const stacks = Object.keys(manifest.stacks).map((name) => {
    const dir = join(outdir, manifest.stacks[name].workingDirectory);
    const config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
      terraform?: {
        backend?: { s3?: RehearsalStack["s3Backend"] };
        required_providers?: RehearsalStack["requiredProviders"];
      };
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources = Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((resourceName) => `${type}.${resourceName}`),
    );
    return {
      name,
      dir,
      s3Backend: config.terraform?.backend?.s3,
      resources,
      requiredProviders: config.terraform?.required_providers ?? {},
    };
  });
  // The account-setup stack makes what the others need (the state bucket, the API Gateway role): first.
  return [...stacks.filter((s) => s.name === SETUP_STACK), ...stacks.filter((s) => s.name !== SETUP_STACK)];
}

class Rehearsal {
  private readonly started = performance.now();
  private readonly liveChildren = new Set<ChildProcess>();
  private moto?: MotoServer;
  private emulatorHelper = "";
  private readonly toolchain = loadToolchain();
  /** Resource types left out of apply and plans: their emulator gap was confirmed by its probe. */
  private readonly excludedTypes = new Set<string>();
  readonly report: RehearsalReport = {
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
    destroySkipped: process.argv.includes("--no-destroy"),
    setupSteps: [],
  };

  private async setupStep<T>(
    name: string,
    action: () => T | Promise<T>,
    summary: (result: T) => string,
  ): Promise<T> {
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
  private async tool(command: string, args: string[]): Promise<string> {
    const { child, done } = runAsync(command, args);
    this.liveChildren.add(child);
    const { code, stdout, stderr } = await done.finally(() => this.liveChildren.delete(child));
    if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code}): ${lastLines(stderr)}`);
    return stdout;
  }

  /** One command of aws_emulator.py (boto3 against the emulator), its JSON answer. */
  private async emulator<T>(args: string[]): Promise<T> {
    if (!this.moto) throw new Error("the emulator is not running");
    const python = join(this.emulatorHelper, "bin", "python");
    const script = join(__dirname, "aws_emulator.py");
    return JSON.parse(await this.tool(python, [script, this.moto.endpoint, ...args])) as T;
  }

  private terraformEnv(): NodeJS.ProcessEnv {
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

  async run(): Promise<void> {
    rmSync(WORK, { recursive: true, force: true });
    rmSync(LOGS, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    mkdirSync(LOGS, { recursive: true });
    this.report.toolchain.terraformBinary = this.toolchain.terraformBinary;
    this.report.toolchain.toolchainEnv = this.toolchain.env;

    this.emulatorHelper = await this.setupStep(
      "python venv",
      async () => (await this.tool(join(PROJECT_ROOT, "tools/python/venv.sh"), [])).trim(),
      (venv) => venv,
    );
    const outdir = join(OUT, "cdktf.out");
    const stacks = await this.setupStep(
      "synthesize",
      () => {
        rmSync(outdir, { recursive: true, force: true });
        synthesize(outdir, {
          AWS_REGION: REGION,
          CQRS_STATE_REGION: REGION,
          CQRS_STATE_BUCKET: STATE_BUCKET,
        });
        return synthesizedStacks(outdir);
      },
      (found) => found.map((s) => s.name).join(", "),
    );

    const motoStarted = performance.now();
    this.moto = await startMotoServer(this.emulatorHelper, join(LOGS, "moto.log"));
    this.report.emulator.version = this.moto.version;
    this.report.emulator.endpoint = this.moto.endpoint;
    this.report.setupSteps.push({
      name: "start moto",
      ok: true,
      seconds: seconds(motoStarted),
      summary: `moto ${this.moto.version} on ${this.moto.endpoint}`,
    });
    log(`moto ${this.moto.version} on ${this.moto.endpoint}`);

    const probe = await this.setupStep(
      "S3 conditional write probe",
      () =>
        this.emulator<{
          supported: boolean;
          second_put: string;
        }>(["conditional-write", CONDITIONAL_WRITE_PROBE_BUCKET]),
      (result) => `second PutObject with If-None-Match: * -> ${result.second_put}`,
    );
    this.report.emulator.conditionalWrites = probe.supported;
    const gapProbes = await this.setupStep(
      "emulator gap probes",
      () => this.emulator<Record<string, { present: boolean; evidence: string }>>(["probe-gaps"]),
      (found) =>
        Object.entries(found)
          .map(([name, { present }]) => `${name}: ${present ? "missing" : "served"}`)
          .join("; "),
    );
    for (const gap of EMULATOR_GAPS) {
      const { present, evidence } = gapProbes[gap.probe] ?? { present: false, evidence: "no probe result" };
      this.report.gapProbes.push({ ...gap, present, evidence });
      if (present && gapHandling(gap) === "excluded") this.excludedTypes.add(gap.resourceType);
    }
    if (!probe.supported)
      this.fail("the emulator's S3 accepts a second If-None-Match: * write: use_lockfile cannot lock");

    const hasSetupStack = stacks.some((s) => s.name === SETUP_STACK);
    let bucketMadeHere = false;
    if (!hasSetupStack) {
      bucketMadeHere = await this.createStateBucket(`no ${SETUP_STACK} stack on this branch`);
    } else {
      this.report.stateBucket.createdBy = SETUP_STACK;
    }

    const applied: { stack: RehearsalStack; result: StackResult; terraform: Terraform }[] = [];
    for (const stack of stacks) {
      const { result, terraform } = await this.deploy(stack);
      applied.push({ stack, result, terraform });
      if (result.applied) await this.liftBlockingResources(stack, result);
      if (!result.applied && stack.name === SETUP_STACK) {
        // Recorded as a failure; the application stacks are still rehearsed, on a bucket made directly.
        bucketMadeHere = await this.createStateBucket(`${SETUP_STACK} failed to apply`);
      }
    }
    if (this.report.destroySkipped) {
      log("destroy skipped (--no-destroy): npm run rehearse:cli rehearses the documented teardown");
      return;
    }
    // The application stacks share nothing but the state bucket: destroyed side by side (the provider
    // waits minutes for each queue deletion), then account-setup.
    const applications = applied.filter((a) => a.result.name !== SETUP_STACK);
    await Promise.all(applications.map(({ result, terraform }) => this.destroy(result, terraform)));
    const setup = applied.find((a) => a.result.name === SETUP_STACK);
    if (setup) {
      await this.removeApplicationState(applied.map((a) => a.result));
      await this.destroy(setup.result, setup.terraform);
    }
    if (bucketMadeHere) {
      await this.setupStep(
        "delete state bucket",
        async () => {
          const emptied = await this.emulator<{ versions: number }>(["delete-objects", STATE_BUCKET, ""]);
          await this.emulator(["delete-bucket", STATE_BUCKET]);
          return emptied;
        },
        (emptied) => `${STATE_BUCKET}: ${emptied.versions} object versions and the bucket deleted`,
      );
    }
    const inventory = await this.setupStep(
      "inventory after destroy",
      () => this.emulator<Record<string, unknown>>(["inventory"]),
      (found) => `${leftovers(found).length} kinds of resource left`,
    );
    this.report.inventoryAfterDestroy = inventory;
    const kept = this.report.gapProbes
      .filter((g) => g.present && g.keptOnDestroy)
      .map((g) => g.keptOnDestroy?.inventoryKey);
    const counted = Object.fromEntries(Object.entries(inventory).filter(([kind]) => !kept.includes(kind)));
    for (const kind of leftovers(counted)) this.fail(`left in the emulator after destroy: ${kind}`);
  }

  private fail(message: string): void {
    log(`FAILED: ${message}`);
    this.report.failures.push(message);
  }

  private async step(
    result: StackResult,
    terraform: Terraform,
    name: string,
    args: string[],
    judge: (run: Awaited<ReturnType<Terraform["run"]>>) => { ok: boolean; summary: string },
  ): Promise<Awaited<ReturnType<Terraform["run"]>>> {
    log(`${result.name}: ${name} (terraform ${shown(args)})`);
    const run = await this.track(terraform.start(args));
    const { ok, summary } = judge(run);
    result.steps.push({ name, ok, seconds: run.seconds, summary });
    log(`${result.name}: ${name} ${ok ? "ok" : "FAILED"} in ${run.seconds} s: ${summary}`);
    if (!ok) this.fail(`${result.name}: ${name}: ${summary}`);
    return run;
  }

  private track({ child, done }: ReturnType<Terraform["start"]>): ReturnType<Terraform["run"]> {
    this.liveChildren.add(child);
    child.stdin?.end();
    return done.finally(() => this.liveChildren.delete(child));
  }

  private async deploy(stack: RehearsalStack): Promise<{ result: StackResult; terraform: Terraform }> {
    // The synthesized layout (`<outdir>/stacks/<stack>`): account-setup's local state, which the stack
    // keeps beside the outdir, then lands in WORK itself.
    const dir = join(WORK, "cdktf.out", "stacks", stack.name);
    cpSync(stack.dir, dir, { recursive: true });
    if (!this.moto) throw new Error("the emulator is not running");
    writeFileSync(
      join(dir, PROVIDER_OVERRIDE_FILE),
      `${JSON.stringify(
        providerOverride(
          this.moto.endpoint,
          stack.resources.some((address) => address.startsWith("aws_s3_bucket.")),
        ),
        null,
        2,
      )}\n`,
    );
    // A locally built AWS provider has its own version: toolchain.sh's override file requires that one.
    const versionOverride = this.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE;
    if (versionOverride) cpSync(versionOverride, join(dir, basename(versionOverride)));
    const terraform = new Terraform(
      this.toolchain.terraformBinary,
      dir,
      this.terraformEnv(),
      join(LOGS, `${stack.name}.log`),
    );
    const result: StackResult = {
      name: stack.name,
      state: stack.s3Backend ? "s3" : "local",
      resourcesApplied: 0,
      applied: false,
      secondPlanClean: false,
      secondPlanChanges: [],
      emulatorDrift: [],
      destroyed: false,
      resourcesAfterDestroy: null,
      excluded: [],
      errors: [],
      steps: [],
    };
    this.report.stacks.push(result);
    result.excluded = stack.resources.filter((address) => this.excludedTypes.has(address.split(".")[0]));
    for (const address of result.excluded) {
      const gap = this.report.gapProbes.find((g) => g.resourceType === address.split(".")[0]);
      if (gap) this.recordConfirmedGap(stack.name, address, gap);
    }
    const targets =
      result.excluded.length === 0
        ? []
        : stack.resources.filter((a) => !result.excluded.includes(a)).map((a) => `-target=${a}`);
    const initArgs = ["init", "-input=false", "-no-color"];
    if (stack.s3Backend) {
      result.backend = {
        bucket: STATE_BUCKET,
        key: stack.s3Backend.key,
        useLockfile: stack.s3Backend.use_lockfile === true,
      };
      writeFileSync(join(dir, BACKEND_CONFIG_FILE), s3BackendConfig(this.moto.endpoint, STATE_BUCKET));
      initArgs.push(`-backend-config=${BACKEND_CONFIG_FILE}`);
    }
    const init = await this.step(result, terraform, "init", initArgs, (run) => ({
      ok: run.exitCode === 0,
      summary: run.exitCode === 0 ? "initialized" : lastLines(run.stderr || run.stdout),
    }));
    if (init.exitCode !== 0) return { result, terraform };
    this.recordVersions(stack, terraform);

    const validate = await this.step(result, terraform, "validate", ["validate", "-no-color"], (run) => ({
      ok: run.exitCode === 0,
      summary: lastLines(run.stdout || run.stderr),
    }));
    if (validate.exitCode !== 0) return { result, terraform };

    const apply = await this.step(
      result,
      terraform,
      "apply",
      ["apply", "-auto-approve", "-input=false", "-json", ...targets],
      (run) => {
        const counts = changeSummary(run.stdout);
        result.errors = errorDiagnostics(run.stdout);
        return {
          ok: run.exitCode === 0,
          summary: `${counts ? `${counts.add} added` : "no summary"}; ${result.errors.length} errors`,
        };
      },
    );
    result.resourcesApplied = await this.managedResources(terraform);
    result.applied = apply.exitCode === 0;
    this.recordGaps(stack.name, result);
    if (!result.applied) return { result, terraform };

    // Judged after reading the plan: exit 2 with nothing but known emulator drift is clean.
    const plan = await this.step(
      result,
      terraform,
      "second plan",
      ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-out=second.tfplan", ...targets],
      (run) => ({
        ok: run.exitCode === 0 || run.exitCode === 2,
        summary:
          run.exitCode === 0 ? "no changes" : run.exitCode === 2 ? "changes planned" : lastLines(run.stderr),
      }),
    );
    if (plan.exitCode === 2) {
      for (const change of pendingChanges(await this.showPlan(terraform, "second.tfplan"))) {
        const drift = this.isEmulatorDrift(change);
        (drift ? result.emulatorDrift : result.secondPlanChanges).push(change);
        log(
          `  second plan${drift ? " (emulator drift)" : ""}: ${change.actions} ${change.address} (${change.arguments})`,
        );
      }
      const planStep = result.steps[result.steps.length - 1];
      const changed = result.secondPlanChanges.map((c) => `${c.actions} ${c.address} (${c.arguments})`);
      const drifted = result.emulatorDrift.map((d) => `${d.address} (${d.arguments})`);
      planStep.ok = changed.length === 0;
      planStep.summary = planStep.ok
        ? `no changes but emulator drift: ${drifted.join("; ")}`
        : `changes: ${changed.join("; ")}`;
      if (!planStep.ok) {
        process.stdout.write(plan.stdout);
        this.fail(`${result.name}: second plan: ${planStep.summary}`);
      }
    }
    result.secondPlanClean =
      plan.exitCode === 0 || (plan.exitCode === 2 && result.secondPlanChanges.length === 0);

    for (const address of await this.tableAddresses(terraform)) {
      await this.replacementCheck(result, terraform, address, targets);
    }
    if (stack.s3Backend) await this.lockTest(result, terraform, stack.s3Backend.key, targets);
    return { result, terraform };
  }

  /**
   * The Terraform version and, for each provider the stack requires, the version pinned and the one
   * used: what `terraform version -json` selected, or for a provider installed through dev_overrides
   * (which it does not list) what toolchain.env says, e.g. AWS_PROVIDER_VERSION.
   */
  private recordVersions(stack: RehearsalStack, terraform: Terraform): void {
    const run = spawnSync(this.toolchain.terraformBinary, ["version", "-json"], {
      cwd: terraform.cwd,
      env: this.terraformEnv(),
      encoding: "utf8",
    });
    const version = JSON.parse(run.stdout) as {
      terraform_version: string;
      provider_selections: Record<string, string>;
    };
    this.report.toolchain.terraformVersion = version.terraform_version;
    Object.assign(this.report.toolchain.providers, version.provider_selections);
    for (const [localName, { source, version: pinned }] of Object.entries(stack.requiredProviders)) {
      const address = providerAddress(source);
      const used =
        version.provider_selections[`registry.terraform.io/${address}`] ??
        this.toolchain.env[`${localName.toUpperCase()}_PROVIDER_VERSION`] ??
        "unknown";
      this.report.toolchain.providerVersions[address] = { pinned: pinned ?? "", used };
    }
  }

  private async managedResources(terraform: Terraform): Promise<number> {
    const run = await this.track(terraform.start(["state", "list"]));
    if (run.exitCode !== 0) return 0;
    return run.stdout.split("\n").filter((line) => line && !line.startsWith("data.")).length;
  }

  private async tableAddresses(terraform: Terraform): Promise<string[]> {
    const run = await this.track(terraform.start(["state", "list"]));
    return run.stdout.split("\n").filter((line) => line.startsWith("aws_dynamodb_table."));
  }

  private async showPlan(terraform: Terraform, planFile: string): Promise<PlanJson> {
    const run = await this.track(terraform.start(["show", "-json", planFile]));
    if (run.exitCode !== 0) throw new Error(`terraform show -json ${planFile} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as PlanJson;
  }

  /** A forced table replacement must delete the old table before creating the new one. */
  private async replacementCheck(
    result: StackResult,
    terraform: Terraform,
    address: string,
    targets: string[],
  ): Promise<void> {
    const planFile = `replace-${address.replace(/[^A-Za-z0-9_-]/g, "_")}.tfplan`;
    const replacement: TableReplacement = { stack: result.name, address, actions: [] };
    this.report.tableReplacements.push(replacement);
    const plan = await this.step(
      result,
      terraform,
      `replace ${address}`,
      ["plan", `-replace=${address}`, "-input=false", "-no-color", `-out=${planFile}`, ...targets],
      (run) => ({ ok: run.exitCode === 0, summary: run.exitCode === 0 ? "planned" : lastLines(run.stderr) }),
    );
    if (plan.exitCode !== 0) return;
    const change = (await this.showPlan(terraform, planFile)).resource_changes?.find(
      (rc) => rc.address === address,
    );
    replacement.actions = change?.change.actions ?? [];
    const ordered = JSON.stringify(replacement.actions) === JSON.stringify(["delete", "create"]);
    result.steps.push({
      name: `replace order ${address}`,
      ok: ordered,
      seconds: 0,
      summary: JSON.stringify(replacement.actions),
    });
    if (!ordered) {
      this.fail(
        `${result.name}: ${address} would be replaced ${JSON.stringify(replacement.actions)}, not delete-before-create`,
      );
    }
  }

  /**
   * One process holds the state lock (`terraform destroy` waiting at its confirmation prompt); a second
   * `plan -lock-timeout=0s` must be refused and print who holds it; answering "no" releases it.
   */
  private async lockTest(
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
    this.report.lockTests.push(test);
    const since = performance.now();
    log(`${result.name}: lock test: terraform destroy waits at its prompt holding the lock`);
    const holder = terraform.start(["destroy", "-no-color"]);
    this.liveChildren.add(holder.child);
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
        this.fail(
          `${result.name}: lock test: the lock holder ended before its prompt: ${lastLines(holderOutput)}`,
        );
        return;
      }
      const lockObject = await this.emulator<{
        exists: boolean;
        body: string | null;
      }>(["get-object", STATE_BUCKET, lockObjectKey]);
      test.lockObject =
        lockObject.exists && lockObject.body ? (JSON.parse(lockObject.body) as Record<string, string>) : null;
      const contender = await this.track(
        terraform.start(["plan", "-lock-timeout=0s", "-input=false", "-no-color", ...targets]),
      );
      const output = `${contender.stderr}${contender.stdout}`;
      test.refused = contender.exitCode === 1 && output.includes("Error acquiring the state lock");
      test.printedLockInfo = lockInfo(output);
    } finally {
      holder.child.stdin?.end("no\n");
      await holder.done;
      this.liveChildren.delete(holder.child);
    }
    const after = await this.emulator<{ exists: boolean }>(["get-object", STATE_BUCKET, lockObjectKey]);
    test.released = !after.exists;
    const planAfter = await this.track(
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
    if (!ok) this.fail(`${result.name}: lock test: ${summary}`);
  }

  private async destroy(result: StackResult, terraform: Terraform): Promise<void> {
    if (!result.steps.some((s) => s.name === "init" && s.ok)) return;
    await this.forgetUndeletable(result, terraform);
    const run = await this.step(
      result,
      terraform,
      "destroy",
      ["destroy", "-auto-approve", "-input=false", "-json"],
      (destroyRun) => {
        const counts = changeSummary(destroyRun.stdout);
        const errors = errorDiagnostics(destroyRun.stdout);
        result.errors.push(...errors);
        return {
          ok: destroyRun.exitCode === 0,
          summary: `${counts ? `${counts.remove} destroyed` : "no summary"}; ${errors.length} errors`,
        };
      },
    );
    result.resourcesAfterDestroy = await this.managedResources(terraform);
    result.destroyed = run.exitCode === 0 && result.resourcesAfterDestroy === 0;
  }

  /**
   * After an interrupt: each running Terraform gets one SIGINT (it runs in its own process group, so
   * the terminal's Ctrl-C did not reach it) and 60 s to stop cleanly, then its group is killed.
   */
  private async stopChildren(): Promise<void> {
    const running = [...this.liveChildren].filter((c) => c.exitCode === null && c.signalCode === null);
    if (running.length === 0) return;
    log(`stopping ${running.length} child process(es)`);
    await Promise.all(running.map((child) => stopGroup(child, 60_000)));
  }

  /** Resources a confirmed gap says the emulator cannot delete: out of the state before destroy, recorded. */
  private async forgetUndeletable(result: StackResult, terraform: Terraform): Promise<void> {
    const gaps = this.report.gapProbes.filter((g) => g.present && g.keptOnDestroy);
    if (gaps.length === 0) return;
    const state = await this.track(terraform.start(["state", "list"]));
    for (const gap of gaps) {
      for (const address of state.stdout
        .split("\n")
        .filter((line) => line.startsWith(`${gap.resourceType}.`))) {
        const removed = await this.track(terraform.start(["state", "rm", address]));
        log(`${result.name}: ${address} taken out of the state before destroy (emulator gap: ${gap.api})`);
        if (removed.exitCode !== 0) this.fail(`${result.name}: terraform state rm ${address} failed`);
        this.recordConfirmedGap(result.name, address, gap);
      }
    }
  }

  /**
   * Resources of the stack that a confirmed gap says block the stacks after it: applied and planned again
   * with the rest, then deleted from the emulator directly and recorded.
   */
  private async liftBlockingResources(stack: RehearsalStack, result: StackResult): Promise<void> {
    for (const gap of this.report.gapProbes.filter((g) => g.present && g.liftedAfterApply)) {
      const addresses = stack.resources.filter((address) => address.startsWith(`${gap.resourceType}.`));
      if (addresses.length === 0 || !gap.liftedAfterApply) continue;
      const command = gap.liftedAfterApply.helperCommand;
      await this.setupStep(
        `lift ${gap.resourceType} of ${stack.name}`,
        () => this.emulator([command, STATE_BUCKET]),
        () => `${command} ${STATE_BUCKET} (emulator gap: ${gap.api})`,
      );
      for (const address of addresses) this.recordConfirmedGap(result.name, address, gap);
    }
  }

  private recordConfirmedGap(
    stack: string,
    address: string,
    gap: RehearsalReport["gapProbes"][number],
  ): void {
    this.report.gaps.push({ stack, address, api: gap.api, error: gap.evidence, handling: gapHandling(gap) });
  }

  /** An in-place update of only an argument that a confirmed gap says the emulator drops. */
  private isEmulatorDrift(change: PendingChange): boolean {
    const dropped = this.report.gapProbes
      .filter((g) => g.present && g.resourceType === change.type && g.driftingArgument)
      .map((g) => g.driftingArgument);
    return (
      JSON.stringify(change.actions) === JSON.stringify(["update"]) &&
      change.arguments.length > 0 &&
      change.arguments.every((argument) => dropped.includes(argument))
    );
  }

  /** Creates the state bucket directly unless it exists; true when this call created it. */
  private async createStateBucket(why: string): Promise<boolean> {
    const { created } = await this.setupStep(
      "create state bucket",
      () => this.emulator<{ created: boolean }>(["ensure-bucket", STATE_BUCKET]),
      (result) => `${STATE_BUCKET} ${result.created ? "created directly" : "already there"}: ${why}`,
    );
    if (created) this.report.stateBucket.createdBy = `the rehearsal itself (${why})`;
    return created;
  }

  /**
   * Decommissioning: once the application stacks are destroyed, their (now empty) state files are
   * deleted, every version, so that the account-setup stack can delete its versioned state bucket.
   */
  private async removeApplicationState(results: StackResult[]): Promise<void> {
    const keys = results.flatMap((r) => (r.backend ? [r.backend.key] : []));
    await this.setupStep(
      "remove application state",
      () =>
        Promise.all(
          keys.map((key) => this.emulator<{ versions: number }>(["delete-objects", STATE_BUCKET, key])),
        ),
      (removed) =>
        `${removed.reduce((sum, r) => sum + r.versions, 0)} object versions under ${keys.join(", ")} deleted`,
    );
  }

  /** Errors of resources the emulator cannot serve: recorded as gaps (see docs/aws-emulator-gaps.md). */
  private recordGaps(stackName: string, result: StackResult): void {
    for (const error of result.errors) {
      const api = emulatorGapApi(error.detail);
      if (api && error.address) {
        const gap: EmulatorGap = {
          stack: stackName,
          address: error.address,
          api,
          error: firstLine(error.detail),
          handling: "apply error",
        };
        this.report.gaps.push(gap);
      }
    }
  }

  async finish(): Promise<void> {
    await this.stopChildren();
    if (this.moto) {
      await this.moto.stop();
      log(`moto stopped`);
    }
    this.report.seconds = seconds(this.started);
    const checks: [boolean, string][] = [
      [
        this.report.stacks.length > 0 && this.report.stacks.every((s) => s.applied),
        "not every stack applied",
      ],
      [this.report.stacks.every((s) => s.secondPlanClean), "a second plan found changes"],
      [
        this.report.destroySkipped || this.report.stacks.every((s) => s.destroyed),
        "not every stack was destroyed",
      ],
      [
        this.report.lockTests.length > 0 && this.report.lockTests.every((t) => t.refused),
        "no lock test refused a concurrent plan",
      ],
    ];
    for (const [passed, message] of checks)
      if (!passed && !this.report.failures.includes(message)) this.report.failures.push(message);
    this.report.ok = this.report.failures.length === 0;
    writeReport(OUT, this.report);
    log(
      `report: ${join("rehearsal", "report.md")} (${this.report.ok ? "PASSED" : "FAILED"}, ${this.report.seconds} s)`,
    );
  }
}

/** `aws` -> `hashicorp/aws`: a source address without namespace is HashiCorp's. */
function providerAddress(source: string): string {
  const parts = source.replace(/^registry\.terraform\.io\//, "").split("/");
  return parts.length === 1 ? `hashicorp/${parts[0]}` : parts.join("/");
}

/** The API named by an emulator's "not implemented" answer, when the error is one. */
export function emulatorGapApi(detail: string): string | undefined {
  if (!/not (yet )?implemented|NotImplemented|InvalidAction|UnknownOperation/i.test(detail)) return undefined;
  return /operation error ([A-Za-z0-9 ]+?):/.exec(detail)?.[1] ?? "unknown API";
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

/** Command arguments for the console: the -target list of an exclusion as a count. */
function shown(args: string[]): string {
  const targets = args.filter((a) => a.startsWith("-target=")).length;
  const rest = args.filter((a) => !a.startsWith("-target=")).join(" ");
  return targets === 0 ? rest : `${rest} -target=… (${targets} resources)`;
}

export function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" / ");
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
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

if (require.main === module) {
  const rehearsal = new Rehearsal();
  void runRehearsal(rehearsal, () => rehearsal.run());
}
