import { spawnSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type DeployedStack, LOGS, log, type RehearsalContext, WORK } from "./context";
import {
  BACKEND_CONFIG_FILE,
  PROVIDER_OVERRIDE_FILE,
  providerOverride,
  STATE_BUCKET,
  s3BackendConfig,
} from "./emulator-config";
import { excludedResources, isEmulatorDrift, recordApplyErrorGaps } from "./gaps";
import { lockTest } from "./lock-test";
import { replacementCheck } from "./replacement-check";
import type { StackResult } from "./report";
import { lastLines } from "./runner";
import { managedResources, showPlan, tableAddresses } from "./stack-state";
import type { RehearsedStack } from "./stacks";
import { changeSummary, errorDiagnostics, pendingChanges, Terraform } from "./terraform";

/**
 * One stack in a working copy pointed at the emulator: init, validate, apply, a second plan that must be
 * clean, the forced replacement of each table and, with an S3 backend, the lock test.
 */
export async function deployStack(context: RehearsalContext, stack: RehearsedStack): Promise<DeployedStack> {
  // The synthesized layout (`<outdir>/stacks/<stack>`): account-setup's local state, which the stack
  // keeps beside the outdir, then lands in WORK itself.
  const dir = join(WORK, "cdktf.out", "stacks", stack.name);
  cpSync(stack.dir, dir, { recursive: true });
  const endpoint = context.endpoint();
  writeFileSync(
    join(dir, PROVIDER_OVERRIDE_FILE),
    `${JSON.stringify(
      providerOverride(
        endpoint,
        stack.resources.some((address) => address.startsWith("aws_s3_bucket.")),
      ),
      null,
      2,
    )}\n`,
  );
  // A locally built AWS provider has its own version: toolchain.sh's override file requires that one.
  const versionOverride = context.toolchain.env.AWS_PROVIDER_OVERRIDE_FILE;
  if (versionOverride) cpSync(versionOverride, join(dir, basename(versionOverride)));
  const terraform = new Terraform(
    context.toolchain.terraformBinary,
    dir,
    context.terraformEnv(),
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
  const deployed = { stack, result, terraform };
  context.report.stacks.push(result);
  result.excluded = excludedResources(context, stack);
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
    writeFileSync(join(dir, BACKEND_CONFIG_FILE), s3BackendConfig(endpoint, STATE_BUCKET));
    initArgs.push(`-backend-config=${BACKEND_CONFIG_FILE}`);
  }
  const init = await context.terraformStep(result, terraform, "init", initArgs, (run) => ({
    ok: run.exitCode === 0,
    summary: run.exitCode === 0 ? "initialized" : lastLines(run.stderr || run.stdout),
  }));
  if (init.exitCode !== 0) return deployed;
  recordVersions(context, stack, terraform);

  const validate = await context.terraformStep(
    result,
    terraform,
    "validate",
    ["validate", "-no-color"],
    (run) => ({
      ok: run.exitCode === 0,
      summary: lastLines(run.stdout || run.stderr),
    }),
  );
  if (validate.exitCode !== 0) return deployed;

  const apply = await context.terraformStep(
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
  result.resourcesApplied = await managedResources(context, terraform);
  result.applied = apply.exitCode === 0;
  recordApplyErrorGaps(context, stack.name, result);
  if (!result.applied) return deployed;

  await secondPlan(context, result, terraform, targets);
  for (const address of await tableAddresses(context, terraform)) {
    await replacementCheck(context, result, terraform, address, targets);
  }
  if (stack.s3Backend) await lockTest(context, result, terraform, stack.s3Backend.key, targets);
  return deployed;
}

/** A plan right after apply: clean, or changing nothing but what a confirmed gap says the emulator drops. */
async function secondPlan(
  context: RehearsalContext,
  result: StackResult,
  terraform: Terraform,
  targets: string[],
): Promise<void> {
  // Judged after reading the plan: exit 2 with nothing but known emulator drift is clean.
  const plan = await context.terraformStep(
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
    for (const change of pendingChanges(await showPlan(context, terraform, "second.tfplan"))) {
      const drift = isEmulatorDrift(context, change);
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
      context.fail(`${result.name}: second plan: ${planStep.summary}`);
    }
  }
  result.secondPlanClean =
    plan.exitCode === 0 || (plan.exitCode === 2 && result.secondPlanChanges.length === 0);
}

/**
 * The Terraform version and, for each provider the stack requires, the version pinned and the one
 * used: what `terraform version -json` selected, or for a provider installed through dev_overrides
 * (which it does not list) what toolchain.env says, e.g. AWS_PROVIDER_VERSION.
 */
function recordVersions(context: RehearsalContext, stack: RehearsedStack, terraform: Terraform): void {
  const run = spawnSync(context.toolchain.terraformBinary, ["version", "-json"], {
    cwd: terraform.cwd,
    env: context.terraformEnv(),
    encoding: "utf8",
  });
  const version = JSON.parse(run.stdout) as {
    terraform_version: string;
    provider_selections: Record<string, string>;
  };
  const toolchain = context.report.toolchain;
  toolchain.terraformVersion = version.terraform_version;
  Object.assign(toolchain.providers, version.provider_selections);
  for (const [localName, { source, version: pinned }] of Object.entries(stack.requiredProviders)) {
    const address = providerAddress(source);
    const used =
      version.provider_selections[`registry.terraform.io/${address}`] ??
      context.toolchain.env[`${localName.toUpperCase()}_PROVIDER_VERSION`] ??
      "unknown";
    toolchain.providerVersions[address] = { pinned: pinned ?? "", used };
  }
}

/** `aws` -> `hashicorp/aws`: a source address without namespace is HashiCorp's. */
function providerAddress(source: string): string {
  const parts = source.replace(/^registry\.terraform\.io\//, "").split("/");
  return parts.length === 1 ? `hashicorp/${parts[0]}` : parts.join("/");
}
