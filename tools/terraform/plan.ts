/**
 * `npm run plan`: synthesizes the stacks, then for every stack runs the real Terraform and AWS provider:
 * init (backend off: a local-state override), validate, plan -out (its output is the plan text) and show -json. Where the AWS
 * provider was built locally, the toolchain's override file pins the stacks to that build's version.
 * Writes plans/<stack>.txt, plans/<stack>.json and plans/summary.md (git-ignored) and prints a summary.
 *
 *   npm run plan                              your settings (CQRS_*, AWS_REGION), synthesized into cdktf.out
 *   npm run plan -- --variant api-key         stock settings plus a variant (tools/terraform/variants.ts),
 *                                             written to plans/variants/api-key/
 *   npm run plan -- --with-backend            your settings against each stack's own (S3) state; -lock=false
 *   npm run plan -- --variant default --umask 0002
 *                                             synthesizes a fresh copy of the sources under that umask,
 *                                             written to plans/variants/default-umask-0002/
 *
 * With no AWS credentials in the environment it plans offline: dummy credentials and the provider's
 * skip flags go into the same override file. With credentials it plans against that account.
 * The toolchain comes from tools/terraform/toolchain.sh (run first; it reuses its cache).
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { listSynthesizedStacks } from "../../emulator/terraform/terraform-document";
import { ACCOUNT_SETUP_STACK_NAME } from "../../stacks/account-setup-stack";
import { SYNTHESIS_SOURCES } from "../shared/synthesize";
import { TOOLCHAIN_ENV_FILE, toolchainEnv } from "./toolchain";
import { UMASKS, VARIANTS } from "./variants";

const PROJECT = path.resolve(__dirname, "..", "..");
const PLANS = path.join(PROJECT, "plans");
const OVERRIDE_FILE = "plan_override.tf.json";
/** Stacks planned before the others, in this order; the rest follow alphabetically. */
const FIRST_STACKS = [ACCOUNT_SETUP_STACK_NAME];

export interface StackSummary {
  stack: string;
  create: number;
  update: number;
  replace: number;
  delete: number;
  unchanged: number;
}

export class PlanError extends Error {}

function fail(message: string): never {
  throw new PlanError(message);
}

function parseArgs(argv: string[]): PlanOptions {
  const args: PlanOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--with-backend") {
      args.withBackend = true;
    } else if (argv[i] === "--variant" && value) {
      if (!(value in VARIANTS))
        fail(`--variant must be one of ${Object.keys(VARIANTS).join(", ")}, got "${value}"`);
      args.variant = value;
      i++;
    } else if (argv[i] === "--umask" && value) {
      if (!(UMASKS as readonly string[]).includes(value))
        fail(`--umask must be one of ${UMASKS.join(", ")}, got "${value}"`);
      args.umask = value;
      i++;
    } else {
      fail(`unknown argument "${argv[i]}" (use --variant NAME, --umask ${UMASKS.join("|")}, --with-backend)`);
    }
  }
  if (args.umask && !args.variant) fail("--umask needs --variant (a reproducible setting to compare)");
  if (args.withBackend && args.variant) fail("--with-backend plans your own settings: drop --variant");
  return args;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; what: string },
): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (result.error) fail(`${options.what}: ${result.error.message}`);
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    fail(`${options.what} failed (exit ${result.status})`);
  }
  return result.stdout;
}

/** toolchain.env with the settings a plan needs (toolchain.sh writes them all). */
export function readToolchainEnv(): Record<string, string> {
  const env = toolchainEnv() ?? fail(`${TOOLCHAIN_ENV_FILE} not found: run tools/terraform/toolchain.sh`);
  for (const key of ["TERRAFORM_BIN", "TF_CLI_CONFIG_FILE", "AWS_PROVIDER_VERSION"]) {
    if (!env[key]) fail(`${TOOLCHAIN_ENV_FILE} has no ${key}: run tools/terraform/toolchain.sh`);
  }
  return env;
}

/** Where the AWS SDK's default chain would find credentials; undefined when nowhere. */
export function credentialSource(env: NodeJS.ProcessEnv, home = homedir()): string | undefined {
  if (env.AWS_ACCESS_KEY_ID) return "AWS_ACCESS_KEY_ID";
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return "AWS_WEB_IDENTITY_TOKEN_FILE";
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
    return "AWS_CONTAINER_CREDENTIALS_*";
  }
  for (const file of [
    env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE || path.join(home, ".aws", "config"),
  ]) {
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Offline: dummy keys and no calls to STS/IMDS at provider start, for every aws provider block. */
function offlineProviderOverrides(stackJson: { provider?: Record<string, { alias?: string }[]> }): object[] {
  return (stackJson.provider?.aws ?? []).map((block) => ({
    ...(block.alias ? { alias: block.alias } : {}),
    access_key: "offline-plan-dummy-key",
    secret_key: "offline-plan-dummy-secret",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: "true",
    skip_region_validation: true,
  }));
}

function synthesize(
  outdir: string,
  variant: string | undefined,
  umask: string | undefined,
  work: string,
): void {
  let projectDir = PROJECT;
  if (umask) {
    projectDir = path.join(work, "project");
    rmSync(projectDir, { recursive: true, force: true });
    for (const entry of SYNTHESIS_SOURCES)
      cpSync(path.join(PROJECT, entry), path.join(projectDir, entry), { recursive: true });
    symlinkSync(path.join(PROJECT, "node_modules"), path.join(projectDir, "node_modules"));
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (variant) {
    for (const key of Object.keys(env)) if (key.startsWith("CQRS_") || key === "AWS_REGION") delete env[key];
    Object.assign(env, VARIANTS[variant]);
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const tsx = path.join(PROJECT, "node_modules", "tsx", "dist", "cli.mjs");
  const command = umask ? "/bin/sh" : process.execPath;
  const args = umask
    ? ["-c", `umask ${umask} && exec "$0" "$@"`, process.execPath, tsx, "main.ts"]
    : [tsx, "main.ts"];
  run(command, args, { cwd: projectDir, env, what: `synthesis${variant ? ` (variant ${variant})` : ""}` });
}

export function stackOrder(stacks: string[]): string[] {
  const first = FIRST_STACKS.filter((stack) => stacks.includes(stack));
  return [...first, ...stacks.filter((stack) => !first.includes(stack)).sort()];
}

export function summarize(
  stack: string,
  plan: { resource_changes?: { change: { actions: string[] } }[] },
): StackSummary {
  const summary: StackSummary = { stack, create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
  for (const { change } of plan.resource_changes ?? []) {
    const actions = change.actions.join(",");
    if (actions === "create") summary.create++;
    else if (actions === "update") summary.update++;
    else if (actions === "delete") summary.delete++;
    else if (actions === "delete,create" || actions === "create,delete") summary.replace++;
    else if (actions === "no-op" || actions === "read") summary.unchanged++;
    else fail(`${stack}: unexpected planned actions ${actions}`);
  }
  return summary;
}

export interface PlanOptions {
  variant?: string;
  umask?: string;
  /** Keep each stack's own backend (S3): a plan against the deployed state; needs credentials. */
  withBackend?: boolean;
}

/** Plans every stack; returns the folder holding the plans and summary.md. */
export function plan({ variant, umask, withBackend = false }: PlanOptions): string {
  const label = variant ? `${variant}${umask ? `-umask-${umask}` : ""}` : undefined;
  const outputDir = label ? path.join(PLANS, "variants", label) : PLANS;
  const work = path.join(PLANS, ".work", label ?? "current");

  run("bash", [path.join(__dirname, "toolchain.sh")], { cwd: PROJECT, env: process.env, what: "toolchain" });
  const toolchain = readToolchainEnv();
  const credentials = credentialSource(process.env);
  if (withBackend && !credentials)
    fail("--with-backend reads the stacks' S3 state: it needs AWS credentials");

  const outdir = label ? path.join(work, "cdktf.out") : path.join(PROJECT, "cdktf.out");
  console.log(
    `plan: synthesizing ${label ? `variant ${label}` : "with your settings"} into ${path.relative(PROJECT, outdir)}`,
  );
  synthesize(outdir, variant, umask, work);

  const stacksDir = path.join(outdir, "stacks");
  const stacks = stackOrder(listSynthesizedStacks(outdir));
  if (stacks.length === 0) fail(`no stacks in ${stacksDir}`);
  const header = [
    `Terraform: ${toolchain.TERRAFORM_BIN} (${toolchain.TOOLCHAIN_MODE})`,
    `AWS provider: ${toolchain.AWS_PROVIDER_VERSION}${toolchain.AWS_PROVIDER_SOURCE ? ` — ${toolchain.AWS_PROVIDER_SOURCE}` : ""}`,
    credentials
      ? `AWS account: the real one, credentials from ${credentials} (read-only calls during plan)`
      : "AWS account: none (no credentials found): offline plan with dummy credentials and the provider's skip flags",
  ];
  for (const line of header) console.log(`plan: ${line}`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: toolchain.TF_CLI_CONFIG_FILE,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...(credentials ? {} : { AWS_EC2_METADATA_DISABLED: "true" }),
  };
  const terraform = toolchain.TERRAFORM_BIN;
  mkdirSync(outputDir, { recursive: true });
  for (const file of readdirSync(outputDir)) {
    // plans of an earlier run, maybe of a stack that is gone: a PR comment must not pick them up
    if (/\.(txt|json|md)$/.test(file)) rmSync(path.join(outputDir, file));
  }
  const summaries: StackSummary[] = [];
  for (const stack of stacks) {
    const dir = path.join(work, "stacks", stack);
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(stacksDir, stack), dir, { recursive: true });
    const stackJson = JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const override: Record<string, unknown> = {};
    if (!withBackend) override.terraform = { backend: { local: { path: "terraform.tfstate" } } };
    if (!credentials) override.provider = { aws: offlineProviderOverrides(stackJson) };
    if (Object.keys(override).length > 0) {
      writeFileSync(path.join(dir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
    }
    if (toolchain.AWS_PROVIDER_OVERRIDE_FILE) {
      cpSync(
        toolchain.AWS_PROVIDER_OVERRIDE_FILE,
        path.join(dir, path.basename(toolchain.AWS_PROVIDER_OVERRIDE_FILE)),
      );
    }

    const seconds: string[] = [];
    const tf = (what: string, ...args: string[]) => {
      const started = Date.now();
      const output = run(terraform, args, { cwd: dir, env, what: `${stack}: terraform ${what}` });
      seconds.push(`${what} ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return output;
    };
    tf("init", "init", "-no-color", "-input=false");
    tf("validate", "validate", "-no-color");
    // The plan's own output is the text (a `terraform show` of it would start the provider once more).
    const text = tf(
      "plan",
      "plan",
      "-no-color",
      "-input=false",
      ...(withBackend ? ["-lock=false"] : []),
      "-out=tfplan",
    );
    const json = tf("show -json", "show", "-json", "tfplan");
    writeFileSync(path.join(outputDir, `${stack}.txt`), text);
    writeFileSync(path.join(outputDir, `${stack}.json`), json);
    const summary = summarize(stack, JSON.parse(json));
    summaries.push(summary);
    console.log(
      `plan: ${stack}: ${summary.create} to add, ${summary.update} to change, ${summary.replace} to replace, ` +
        `${summary.delete} to destroy (${seconds.join(", ")})`,
    );
  }
  const markdown = [
    `### Terraform plan${label ? ` (${label})` : ""}`,
    "",
    ...header.map((line) => `- ${line}`),
    "",
    "| stack | add | change | replace | destroy |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...summaries.map((s) => `| ${s.stack} | ${s.create} | ${s.update} | ${s.replace} | ${s.delete} |`),
    "",
  ].join("\n");
  writeFileSync(path.join(outputDir, "summary.md"), markdown);
  console.log(
    `plan: wrote ${path.relative(PROJECT, outputDir) || "."}/{<stack>.txt,<stack>.json,summary.md}`,
  );
  return outputDir;
}

if (require.main === module) {
  try {
    plan(parseArgs(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof PlanError) {
      console.error(`plan: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
