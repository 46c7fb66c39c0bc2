/**
 * npm run rehearse:cli: the deploy commands of docs/deployment.md run through the real CDKTF CLI (`npx cdktf list / synth /
 * deploy / diff / output / destroy`), the state move and the teardown, against moto on a free loopback port.
 * Only what a user can set from outside the stacks: environment variables, a Terraform CLI config, override
 * files dropped into the synthesized stack directories. Where moto needs more than AWS would (a known gap), the
 * step is recorded as a difference. Writes rehearsal/cli/report.json and report.md; exits 1 when a check fails.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  ACCOUNT_SETUP_LOCAL_STATE_FILE,
  accountSetupStateKey,
  ACCOUNT_SETUP_STACK_NAME as SETUP_STACK,
} from "../../../stacks/account-setup-stack";
import { loadConfig } from "../../../stacks/config";
import { ALL_STACK_NAMES } from "../../../stacks/projections";
import { PROJECT_ROOT } from "../../shared/synthesize";
import { MOVED_SUFFIX } from "../move-setup-state";
import { loadToolchain } from "../toolchain";
import { EMULATOR_CREDENTIALS, REGION, STATE_BUCKET } from "./emulator-config";
import { EMULATOR_GAPS, gapHandling } from "./emulator-gaps";
import { type MotoServer, startMotoServer } from "./moto-server";
import { awsEmulatorCommand, lastLines, leftovers, runAsync, runRehearsal, seconds } from "./runner";
import { type RehearsedStack, rehearsedStacks } from "./stacks";
import { type PendingChange, type PlanJson, pendingChanges } from "./terraform";

const OUT = join(PROJECT_ROOT, "rehearsal", "cli");
const OUTDIR = join(OUT, "cdktf.out");
const LOGS = join(OUT, "logs");
const CDKTF = join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
const LOCAL_STATE = join(OUT, ACCOUNT_SETUP_LOCAL_STATE_FILE);
/** Provider settings account-setup needs on the emulator (docs/deployment.md). */
const SETUP_EMULATOR_OVERRIDE = "emulator_override.tf.json";
/** The cdktf CLI 0.21 crash after a targeted apply, rendering outputs that are not in the state. */
const OUTPUTS_CRASH = "Cannot convert undefined or null to object";

export interface CliStep {
  name: string;
  /** The command as a user would type it (environment variables that differ from the base shown first). */
  command: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  summary: string;
}

export interface CliSecondDiff {
  stack: string;
  /** What `cdktf diff` printed: "No changes" or the plan's summary line. */
  cdktfSaid: string;
  cdktfExitCode: number | null;
  changes: PendingChange[];
  emulatorDrift: PendingChange[];
}

export interface CliReport {
  startedAt: string;
  seconds: number;
  ok: boolean;
  failures: string[];
  emulator: { name: "moto"; version: string; endpoint: string };
  /** The environment every cdktf command ran with, beyond the user's own (secrets shown as is: dummies). */
  environment: Record<string, string>;
  /** Files dropped into cdktf.out/stacks/<stack>/ after each synth. */
  overrideFiles: Record<string, string[]>;
  steps: CliStep[];
  stateMove: {
    localStateFile: string;
    insideCdktfOut: boolean;
    survivedRemovingCdktfOut: boolean;
    stateKey: string;
    inBucketAfterMove: boolean;
    localRenamed: boolean;
    /** account-setup planned from the bucket after `rm -rf cdktf.out`: changes other than known gaps. */
    replanChanges: PendingChange[];
  };
  secondDiffs: CliSecondDiff[];
  outputs: Record<string, string[]>;
  stateBucketBeforeEmptying: Record<string, { Versions: number; DeleteMarkers: number }>;
  stateBucketAfterEmptying: Record<string, { Versions: number; DeleteMarkers: number }>;
  gapProbes: { probe: string; resourceType: string; handling: string; present: boolean; evidence: string }[];
  /** Every place where this run needed more than the plain-Terraform rehearsal or AWS would. */
  differences: string[];
  inventoryAfterDestroy: Record<string, unknown> | null;
}

function log(message: string): void {
  process.stdout.write(`[rehearse:cli] ${message}\n`);
}

class CliRehearsal {
  private readonly started = performance.now();
  private readonly toolchain = loadToolchain();
  private moto?: MotoServer;
  private venv = "";
  private stacks: RehearsedStack[] = [];
  private excludedTypes = new Set<string>();
  readonly report: CliReport = {
    startedAt: new Date().toISOString(),
    seconds: 0,
    ok: false,
    failures: [],
    emulator: { name: "moto", version: "", endpoint: "" },
    environment: {},
    overrideFiles: {},
    steps: [],
    stateMove: {
      localStateFile: LOCAL_STATE,
      insideCdktfOut: false,
      survivedRemovingCdktfOut: false,
      stateKey: "",
      inBucketAfterMove: false,
      localRenamed: false,
      replanChanges: [],
    },
    secondDiffs: [],
    outputs: {},
    stateBucketBeforeEmptying: {},
    stateBucketAfterEmptying: {},
    gapProbes: [],
    differences: [],
    inventoryAfterDestroy: null,
  };

  private fail(message: string): void {
    log(`FAILED: ${message}`);
    this.report.failures.push(message);
  }

  private differ(text: string): void {
    if (!this.report.differences.includes(text)) this.report.differences.push(text);
  }

  /** The user's environment with the emulator's endpoint and dummy credentials, and the deploy's settings. */
  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.report.environment, ...extra };
    for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "TF_WORKSPACE", "TF_CLI_ARGS"]) delete env[name];
    for (const name of Object.keys(env)) if (/^TF_CLI_ARGS_/.test(name) && !(name in extra)) delete env[name];
    return env;
  }

  private async run(
    name: string,
    command: string,
    args: string[],
    extra: Record<string, string>,
    judge: (code: number | null, out: string) => { ok: boolean; summary: string },
  ): Promise<{ code: number | null; out: string }> {
    const shownEnv = Object.entries(extra)
      .map(
        ([k, v]) =>
          `${k}=${/\s/.test(v) || v.length > 60 ? `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'` : v}`,
      )
      .join(" ");
    const shownCommand = `${shownEnv ? `${shownEnv} ` : ""}${command === CDKTF ? "npx cdktf" : basename(command)} ${args.join(" ")}`;
    log(`${name}: ${shownCommand}`);
    const since = performance.now();
    const { done } = runAsync(command, args, this.env(extra));
    const { code, stdout, stderr } = await done;
    // Without the terminal control sequences cdktf writes even into a pipe.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
    const out = `${stdout}${stderr}`.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    writeFileSync(
      join(LOGS, `${this.report.steps.length + 1}-${name.replace(/[^A-Za-z0-9-]+/g, "_")}.log`),
      `$ ${shownCommand}\n${out}\n[exit ${code}]\n`,
    );
    const { ok, summary } = judge(code, out);
    const step: CliStep = {
      name,
      command: shownCommand,
      ok,
      exitCode: code,
      seconds: seconds(since),
      summary,
    };
    this.report.steps.push(step);
    log(`${name} ${ok ? "ok" : "FAILED"} in ${step.seconds} s: ${summary}`);
    if (!ok) this.fail(`${name}: ${summary}`);
    return { code, out };
  }

  private cdktf(name: string, args: string[], extra: Record<string, string> = {}, judge = exitedZero) {
    return this.run(name, CDKTF, [...args, "--output", OUTDIR], extra, judge);
  }

  private async emulator<T>(args: string[]): Promise<T> {
    if (!this.moto) throw new Error("the emulator is not running");
    const { done } = runAsync(...awsEmulatorCommand(this.venv, this.moto.endpoint, args));
    const { code, stdout, stderr } = await done;
    if (code !== 0) throw new Error(`aws_emulator.py ${args.join(" ")} failed: ${lastLines(stderr)}`);
    return JSON.parse(stdout) as T;
  }

  private async timed<T>(name: string, action: () => Promise<T>, summary: (result: T) => string): Promise<T> {
    const since = performance.now();
    const result = await action();
    this.report.steps.push({
      name,
      command: "",
      ok: true,
      exitCode: 0,
      seconds: seconds(since),
      summary: summary(result),
    });
    log(`${name}: ${summary(result)}`);
    return result;
  }

  /** After every synth: the files a user drops into the stack directories (docs/deployment.md). */
  private placeOverrides(): void {
    this.stacks = rehearsedStacks(OUTDIR);
    for (const stack of this.stacks) {
      const files: string[] = [];
      const versionOverride = this.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE;
      if (versionOverride) {
        writeFileSync(join(stack.dir, basename(versionOverride)), readFileSync(versionOverride));
        files.push(basename(versionOverride));
      }
      if (stack.name === SETUP_STACK) {
        const override = {
          provider: { aws: [{ skip_credentials_validation: true, skip_requesting_account_id: true }] },
        };
        writeFileSync(join(stack.dir, SETUP_EMULATOR_OVERRIDE), `${JSON.stringify(override, null, 2)}\n`);
        files.push(SETUP_EMULATOR_OVERRIDE);
      }
      this.report.overrideFiles[stack.name] = files;
    }
  }

  /** TF_CLI_ARGS_plan/apply: `-target` of every resource of the given stacks but those of an excluded gap. */
  private targets(names: string[]): Record<string, string> {
    const targets = this.stacks
      .filter((s) => names.includes(s.name))
      .flatMap((s) => s.resources)
      .filter((address) => !this.excludedTypes.has(address.split(".")[0]));
    const excluded =
      this.stacks.filter((s) => names.includes(s.name)).flatMap((s) => s.resources).length - targets.length;
    if (excluded === 0) return {};
    this.differ(
      `cdktf has no --target: ${[...this.excludedTypes].join(", ")} (emulator gaps) left out through TF_CLI_ARGS_plan and TF_CLI_ARGS_apply with -target of every other resource (${excluded} resources left out of ${names.join(", ")})`,
    );
    const value = [...new Set(targets)].map((a) => `-target=${a}`).join(" ");
    return { TF_CLI_ARGS_plan: value, TF_CLI_ARGS_apply: value };
  }

  /** `terraform plan` + `show -json` in a stack directory cdktf initialized: the changes, judged against known gaps. */
  private async judgePlan(
    stack: string,
    extra: Record<string, string>,
  ): Promise<{ changes: PendingChange[]; drift: PendingChange[] }> {
    const dir = join(OUTDIR, "stacks", stack);
    const terraform = this.toolchain.terraformBinary;
    const plan = runAsync(
      terraform,
      [`-chdir=${dir}`, "plan", "-input=false", "-no-color", "-lock=false", "-out=judge.tfplan"],
      this.env(extra),
    );
    const planned = await plan.done;
    if (planned.code !== 0)
      throw new Error(`terraform plan in ${stack} failed: ${lastLines(planned.stderr)}`);
    const shown = await runAsync(terraform, [`-chdir=${dir}`, "show", "-json", "judge.tfplan"], this.env())
      .done;
    const changes: PendingChange[] = [];
    const drift: PendingChange[] = [];
    for (const change of pendingChanges(JSON.parse(shown.stdout) as PlanJson)) {
      (this.isDrift(change) ? drift : changes).push(change);
    }
    return { changes, drift };
  }

  private isDrift(change: PendingChange): boolean {
    const present = this.report.gapProbes.filter((g) => g.present);
    const spec = (probe: string) => EMULATOR_GAPS.find((g) => g.probe === probe);
    const dropped = present
      .map((g) => spec(g.probe))
      .filter((g) => g?.resourceType === change.type && g.driftingArgument)
      .map((g) => g?.driftingArgument);
    const update =
      JSON.stringify(change.actions) === '["update"]' &&
      change.arguments.length > 0 &&
      change.arguments.every((argument) => dropped.includes(argument));
    const lost =
      JSON.stringify(change.actions) === '["create"]' &&
      present.some((g) => spec(g.probe)?.lostWhenDriftApplied && g.resourceType === change.type);
    const lifted =
      JSON.stringify(change.actions) === '["create"]' &&
      present.some((g) => spec(g.probe)?.liftedAfterApply && g.resourceType === change.type);
    return update || lost || lifted;
  }

  /**
   * `cdktf deploy` with -target through TF_CLI_ARGS: when the CLI crashes on outputs after the apply, the known
   * crash is recorded and one `cdktf deploy --refresh-only` (without -target, which would leave the outputs out
   * again) writes them.
   */
  private async deploy(
    name: string,
    stacks: string[],
    extra: Record<string, string>,
    untargeted: Record<string, string>,
    lock: string[],
  ): Promise<void> {
    const deployed = await this.cdktf(
      name,
      ["deploy", ...stacks, "--auto-approve", ...lock],
      extra,
      (code, out) => {
        if (code === 0) return applied(code, out);
        const crashed = out.includes("Apply complete!") && out.includes(OUTPUTS_CRASH);
        return {
          ok: crashed,
          summary: crashed
            ? `applied, then the CLI crashed rendering outputs (exit ${code}): ${OUTPUTS_CRASH}`
            : lastLines(out),
        };
      },
    );
    if (deployed.code === 0) return;
    this.differ(
      `after a targeted apply, cdktf 0.21 prints "Apply complete!" and exits 1 (TypeError: ${OUTPUTS_CRASH}) rendering outputs missing from the state: one cdktf deploy --refresh-only without -target writes them`,
    );
    await this.cdktf(
      `deploy ${stacks.join(" ")} --refresh-only`,
      ["deploy", ...stacks, "--refresh-only", "--auto-approve", ...lock],
      untargeted,
      applied,
    );
  }

  async rehearse(): Promise<void> {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(LOGS, { recursive: true });
    this.venv = await this.timed(
      "python venv",
      async () => (await runAsync(join(PROJECT_ROOT, "tools/python/venv.sh"), []).done).stdout.trim(),
      (venv) => venv,
    );
    this.moto = await startMotoServer(this.venv, join(LOGS, "moto.log"));
    this.report.emulator = { name: "moto", version: this.moto.version, endpoint: this.moto.endpoint };
    const probes = await this.timed(
      "emulator gap probes",
      () => this.emulator<Record<string, { present: boolean; evidence: string }>>(["probe-gaps"]),
      (found) =>
        Object.entries(found)
          .map(([k, v]) => `${k}: ${v.present ? "missing" : "served"}`)
          .join("; "),
    );
    for (const gap of EMULATOR_GAPS) {
      const { present, evidence } = probes[gap.probe] ?? { present: false, evidence: "no probe result" };
      this.report.gapProbes.push({
        probe: gap.probe,
        resourceType: gap.resourceType,
        handling: gapHandling(gap),
        present,
        evidence,
      });
      if (present && gapHandling(gap) === "excluded") this.excludedTypes.add(gap.resourceType);
    }
    const gap = (probe: string) => this.report.gapProbes.find((g) => g.probe === probe)?.present === true;

    const endpoint = this.moto.endpoint;
    Object.assign(this.report.environment, {
      CHECKPOINT_DISABLE: "1",
      ...(this.toolchain.cliConfigFile ? { TF_CLI_CONFIG_FILE: this.toolchain.cliConfigFile } : {}),
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKey,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretKey,
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      CQRS_STATE_BUCKET: STATE_BUCKET,
      CQRS_STATE_REGION: REGION,
    });
    const pathStyle = { TF_CLI_ARGS_init: "-backend-config=use_path_style=true" };
    this.differ(
      "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_STS point the provider, the S3 backend and the AWS CLI at the emulator",
    );
    this.differ(
      "TF_CLI_ARGS_init=-backend-config=use_path_style=true for every stack with an S3 backend (the backend has no environment variable for path style)",
    );
    this.differ(
      `account-setup gets ${SETUP_EMULATOR_OVERRIDE} (skip_credentials_validation, skip_requesting_account_id): with the account id known, the provider reads bucket tags through S3 Control at <account>.<host>`,
    );
    if (this.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE)
      this.differ(
        `every stack gets ${basename(this.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE)} (the locally built provider's version) and every cdktf command --skip-provider-lock (cdktf's providers lock ignores the CLI config's mirror)`,
      );
    const lock = this.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE ? ["--skip-provider-lock"] : [];
    const apps = () => this.stacks.filter((s) => s.name !== SETUP_STACK).map((s) => s.name);

    // The first deploy, as the README gives it.
    await this.cdktf("list", ["list"], {}, (code, out) => ({
      ok: code === 0 && ALL_STACK_NAMES.every((s) => out.includes(s)),
      summary: code === 0 ? `lists ${ALL_STACK_NAMES.join(", ")}` : lastLines(out),
    }));
    await this.cdktf("synth", ["synth"]);
    this.placeOverrides();
    await this.cdktf("deploy account-setup", ["deploy", SETUP_STACK, "--auto-approve", ...lock], {}, applied);
    this.report.stateMove.insideCdktfOut = existsSync(
      join(OUTDIR, "stacks", SETUP_STACK, ACCOUNT_SETUP_LOCAL_STATE_FILE),
    );
    if (!existsSync(LOCAL_STATE)) this.fail(`account-setup's local state is not at ${LOCAL_STATE}`);
    if (gap("s3-conditional-deny")) {
      await this.timed(
        "lift the state bucket policy (emulator gap)",
        () => this.emulator(["delete-bucket-policy", STATE_BUCKET]),
        () => "moto denies every object request under the TLS-only policy: deleted from the emulator",
      );
      this.differ(
        "the state bucket's TLS-only policy is deleted from the emulator after account-setup's deploy (moto evaluates a Deny whose condition does not hold as a Deny)",
      );
    }

    // Item: the first state survives `rm -rf cdktf.out` and moves into the bucket.
    rmSync(OUTDIR, { recursive: true, force: true });
    this.report.stateMove.survivedRemovingCdktfOut = existsSync(LOCAL_STATE);
    await this.run(
      "move account-setup state to the bucket",
      "npm",
      ["run", "setup:move-state", "--", "--output", OUTDIR],
      pathStyle,
      exitedZero,
    );
    const key = accountSetupStateKey(loadConfig(this.env()).state, REGION);
    this.report.stateMove.stateKey = key;
    this.report.stateMove.inBucketAfterMove = (
      await this.emulator<{ exists: boolean }>(["get-object", STATE_BUCKET, key])
    ).exists;
    this.report.stateMove.localRenamed =
      !existsSync(LOCAL_STATE) && existsSync(`${LOCAL_STATE}${MOVED_SUFFIX}`);
    Object.assign(this.report.environment, { CQRS_SETUP_STATE_BACKEND: "s3" });
    await this.cdktf("synth (state in the bucket)", ["synth"]);
    this.placeOverrides();
    await this.cdktf(
      "diff account-setup (state from the bucket)",
      ["diff", SETUP_STACK, ...lock],
      pathStyle,
      diffed,
    );
    const replan = await this.judgePlan(SETUP_STACK, pathStyle);
    this.report.stateMove.replanChanges = replan.changes;
    if (replan.changes.length > 0)
      this.fail(`account-setup planned from the bucket wants changes: ${describe(replan.changes)}`);

    // Each application stack: diff, deploy, output.
    for (const stack of apps()) {
      const extra = { ...pathStyle, ...this.targets([stack]) };
      await this.cdktf(`diff ${stack}`, ["diff", stack, ...lock], extra, diffed);
      await this.deploy(`deploy ${stack}`, [stack], extra, pathStyle, lock);
      const config = JSON.parse(readFileSync(join(OUTDIR, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        output?: Record<string, unknown>;
      };
      const expected = Object.keys(config.output ?? {});
      await this.cdktf(`output ${stack}`, ["output", stack, ...lock], pathStyle, (code, out) => {
        this.report.outputs[stack] = expected.filter((name) => out.includes(name));
        const missing = expected.filter((name) => !out.includes(name));
        return {
          ok: code === 0 && missing.length === 0,
          summary:
            missing.length === 0
              ? `${expected.length} outputs: ${expected.join(", ")}`
              : `missing: ${missing.join(", ")}`,
        };
      });
    }

    // Both application stacks in one deploy, then a second diff.
    const both = apps();
    const bothExtra = { ...pathStyle, ...this.targets(both) };
    await this.deploy("deploy both application stacks", both, bothExtra, pathStyle, lock);
    for (const stack of both) {
      const said = await this.cdktf(
        `second diff ${stack}`,
        ["diff", stack, ...lock],
        bothExtra,
        (code, out) => ({
          ok: code === 0,
          summary: diffSummary(out),
        }),
      );
      const judged = await this.judgePlan(stack, bothExtra);
      this.report.secondDiffs.push({
        stack,
        cdktfSaid: diffSummary(said.out),
        cdktfExitCode: said.code,
        changes: judged.changes,
        emulatorDrift: judged.drift,
      });
      if (judged.changes.length > 0)
        this.fail(`second diff of ${stack} wants changes: ${describe(judged.changes)}`);
      if (said.code === 0 && !/No changes/.test(said.out))
        this.differ(
          `cdktf diff exits 0 although it plans changes (${stack}: ${diffSummary(said.out)}): npm run plan gates CI, not cdktf diff`,
        );
      if (judged.drift.some((d) => d.type === "aws_sqs_queue_policy"))
        this.differ(
          "applying the recorded redrive_policy drift (a deploy of an applied stack) erased the work queue's policy in moto (SetQueueAttributes without Policy): the second diff re-creates aws_sqs_queue_policy",
        );
    }

    // Teardown in docs/deployment.md's order.
    await this.cdktf(
      "destroy application stacks",
      ["destroy", ...both, "--auto-approve", ...lock],
      pathStyle,
      destroyed,
    );
    await this.run(
      "move account-setup state back to a local file",
      "npm",
      ["run", "setup:move-state", "--", "--to-local", "--output", OUTDIR],
      pathStyle,
      exitedZero,
    );
    this.report.stateBucketBeforeEmptying = await this.emulator(["state-keys", STATE_BUCKET]);
    await this.run(
      "empty the state bucket",
      "bash",
      ["tools/terraform/empty-state-bucket.sh", STATE_BUCKET],
      {},
      exitedZero,
    );
    this.report.stateBucketAfterEmptying = await this.emulator(["state-keys", STATE_BUCKET]);
    if (Object.keys(this.report.stateBucketAfterEmptying).length > 0)
      this.fail("the state bucket still holds versions after emptying it");
    if (gap("apigateway-account-reset")) {
      const state = JSON.parse(readFileSync(LOCAL_STATE, "utf8")) as {
        resources: { mode: string; type: string; name: string }[];
      };
      for (const r of state.resources.filter(
        (r) => r.type === "aws_api_gateway_account" && r.mode === "managed",
      )) {
        await this.run(
          "forget aws_api_gateway_account (emulator gap)",
          this.toolchain.terraformBinary,
          [`-chdir=${OUT}`, "state", "rm", `-state=${LOCAL_STATE}`, `${r.type}.${r.name}`],
          {},
          exitedZero,
        );
      }
      this.differ(
        "aws_api_gateway_account is taken out of account-setup's state before its destroy (moto answers HTTP 500 to resetting the account's CloudWatch role)",
      );
    }
    await this.cdktf(
      "destroy account-setup",
      ["destroy", SETUP_STACK, "--auto-approve", ...lock],
      { CQRS_SETUP_STATE_BACKEND: "local", TF_CLI_ARGS_init: "-reconfigure" },
      destroyed,
    );
    this.report.inventoryAfterDestroy = await this.emulator<Record<string, unknown>>(["inventory"]);
    const kept = EMULATOR_GAPS.filter((g) => g.keptOnDestroy && gap(g.probe)).map(
      (g) => g.keptOnDestroy?.inventoryKey,
    );
    for (const kind of leftovers(
      Object.fromEntries(
        Object.entries(this.report.inventoryAfterDestroy).filter(([k]) => !kept.includes(k)),
      ),
    ))
      this.fail(`left in the emulator after destroy: ${kind}`);
  }

  async finish(): Promise<void> {
    if (this.moto) await this.moto.stop();
    this.report.seconds = seconds(this.started);
    this.report.ok = this.report.failures.length === 0;
    writeFileSync(join(OUT, "report.json"), `${JSON.stringify(this.report, null, 2)}\n`);
    writeFileSync(join(OUT, "report.md"), markdown(this.report));
    log(
      `report: rehearsal/cli/report.md (${this.report.ok ? "PASSED" : "FAILED"}, ${this.report.seconds} s)`,
    );
  }
}

function exitedZero(code: number | null, out: string): { ok: boolean; summary: string } {
  return { ok: code === 0, summary: code === 0 ? lastLines(out, 1) : lastLines(out) };
}

function destroyed(code: number | null, out: string): { ok: boolean; summary: string } {
  const counts = out.match(/Destroy complete! Resources: [^\n]*/g);
  return { ok: code === 0, summary: code === 0 && counts ? counts.join(" ") : lastLines(out) };
}

function diffed(code: number | null, out: string): { ok: boolean; summary: string } {
  return { ok: code === 0, summary: code === 0 ? diffSummary(out) : lastLines(out) };
}

function applied(code: number | null, out: string): { ok: boolean; summary: string } {
  const summary = /Apply complete! Resources: [^\n]*/.exec(out)?.[0] ?? lastLines(out);
  return { ok: code === 0, summary };
}

function diffSummary(out: string): string {
  return /No changes\.[^\n]*/.exec(out)?.[0] ?? /Plan: [^\n]*/.exec(out)?.[0] ?? lastLines(out, 1);
}

function describe(changes: PendingChange[]): string {
  return changes.map((c) => `${c.actions} ${c.address} (${c.arguments})`).join("; ");
}

function markdown(report: CliReport): string {
  const lines = [
    "# The CDKTF CLI on the AWS emulator (npm run rehearse:cli)",
    "",
    `${report.ok ? "PASSED" : "FAILED"} in ${report.seconds} s, started ${report.startedAt}; moto ${report.emulator.version}.`,
    ...report.failures.map((f) => `- ${f}`),
    "",
    "## Steps",
    "",
    "| step | command | ok | seconds | result |",
    "| --- | --- | --- | --- | --- |",
    ...report.steps.map(
      (s) =>
        `| ${s.name} | \`${s.command.replace(/\|/g, "\\|")}\` | ${s.ok ? "yes" : "**no**"} | ${s.seconds} | ${s.summary.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`,
    ),
    "",
    "## Environment of every cdktf command",
    "",
    ...Object.entries(report.environment).map(([k, v]) => `- \`${k}=${v}\``),
    ...Object.entries(report.overrideFiles).map(
      ([stack, files]) => `- override files in \`cdktf.out/stacks/${stack}/\`: ${files.join(", ") || "none"}`,
    ),
    "",
    "## State move",
    "",
    `- local state \`${report.stateMove.localStateFile}\`; inside cdktf.out: ${report.stateMove.insideCdktfOut}; survived rm -rf cdktf.out: ${report.stateMove.survivedRemovingCdktfOut}`,
    `- in the bucket at \`${report.stateMove.stateKey}\`: ${report.stateMove.inBucketAfterMove}; local file renamed: ${report.stateMove.localRenamed}; changes planned from the bucket: ${report.stateMove.replanChanges.length}`,
    "",
    "## Second diff",
    "",
    ...report.secondDiffs.map(
      (d) =>
        `- ${d.stack}: cdktf said "${d.cdktfSaid}" (exit ${d.cdktfExitCode}); changes: ${describe(d.changes) || "none"}; emulator drift: ${describe(d.emulatorDrift) || "none"}`,
    ),
    "",
    "## Differences from the plain-Terraform rehearsal and from AWS",
    "",
    ...report.differences.map((d) => `- ${d}`),
    "",
    "## Emulator gap probes",
    "",
    ...report.gapProbes.map(
      (g) =>
        `- ${g.probe} (${g.resourceType}, ${g.handling}): ${g.present ? "present" : "**served now**"}: ${g.evidence}`,
    ),
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const rehearsal = new CliRehearsal();
  void runRehearsal(rehearsal, () => rehearsal.rehearse());
}
