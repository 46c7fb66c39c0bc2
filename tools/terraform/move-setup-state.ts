/**
 * npm run setup:move-state [-- --output DIR] [--to-local]: moves account-setup's first state, the local file its first
 * `cdktf deploy` wrote beside the output directory (default cdktf.out), into the state bucket that deploy created,
 * under the key account-setup uses with CQRS_SETUP_STATE_BACKEND=s3. Deploy account-setup with that setting
 * afterwards. Run it with the settings and AWS credentials of the deploy; `terraform` from PATH (or
 * TERRAFORM_BINARY_NAME, as the cdktf CLI reads it).
 *
 * It initializes the S3 backend in a scratch directory holding nothing but the synthesized backend block (no
 * providers to install, so it needs no provider mirror), refuses to overwrite a different state already in the
 * bucket, pushes the local state, reads it back, and renames the local file so that it cannot be deployed again.
 * With --to-local, before the teardown: the state from the bucket back into the local file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { App } from "cdktf";
import {
  ACCOUNT_SETUP_LOCAL_STATE_FILE,
  ACCOUNT_SETUP_STACK_NAME,
  AccountSetupStack,
} from "../../stacks/account-setup-stack";
import { ConfigError, loadConfig } from "../../stacks/config";

/** What the local file becomes once its content is in the bucket (kept as a backup, git-ignored). */
export const MOVED_SUFFIX = ".moved-to-s3";

interface StateFile {
  serial?: number;
  resources?: { mode: string; type: string; name: string; instances: { attributes?: { id?: string } }[] }[];
}

/**
 * What a state holds, to compare a pushed state with its source: each resource's address and ids. Not the
 * lineage: `terraform state push` into an empty backend writes the resources under a new lineage and serial.
 */
function holdings(state: StateFile): string {
  return (state.resources ?? [])
    .map((r) => `${r.mode}.${r.type}.${r.name}=${r.instances.map((i) => i.attributes?.id ?? "").join(",")}`)
    .sort()
    .join("\n");
}

function fail(message: string): never {
  console.error(`setup:move-state: ${message}`);
  process.exit(1);
}

/** The S3 backend block account-setup is synthesized with under CQRS_SETUP_STATE_BACKEND=s3. */
function s3Backend(): Record<string, unknown> {
  const scratch = mkdtempSync(join(tmpdir(), "cqrs-setup-backend-"));
  try {
    const app = new App({ outdir: scratch });
    new AccountSetupStack(app, loadConfig({ ...process.env, CQRS_SETUP_STATE_BACKEND: "s3" }));
    app.synth();
    const config = JSON.parse(
      readFileSync(join(scratch, "stacks", ACCOUNT_SETUP_STACK_NAME, "cdk.tf.json"), "utf8"),
    ) as { terraform: { backend: { s3?: Record<string, unknown> } } };
    if (!config.terraform.backend.s3) fail("account-setup synthesized without an S3 backend");
    return config.terraform.backend.s3;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function terraform(cwd: string, args: string[]): string {
  const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
  const run = spawnSync(binary, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1" },
  });
  if (run.status !== 0) fail(`terraform ${args.join(" ")} failed:\n${run.stderr || run.stdout || run.error}`);
  return run.stdout;
}

function parseState(text: string): StateFile {
  return text.trim() === "" ? {} : (JSON.parse(text) as StateFile);
}

/** Runs `action` in a scratch directory whose Terraform is initialized with account-setup's S3 backend. */
function withS3Backend<T>(action: (dir: string, where: string) => T): T {
  let backend: Record<string, unknown>;
  try {
    backend = s3Backend();
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }
  const scratch = mkdtempSync(join(tmpdir(), "cqrs-setup-state-"));
  try {
    writeFileSync(
      join(scratch, "backend.tf.json"),
      JSON.stringify({ terraform: { backend: { s3: backend } } }),
    );
    terraform(scratch, ["init", "-input=false", "-no-color"]);
    return action(scratch, `s3://${backend.bucket}/${backend.key}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function toBucket(localFile: string): void {
  if (!existsSync(localFile)) {
    if (existsSync(`${localFile}${MOVED_SUFFIX}`)) {
      console.log(`${localFile} was moved already (${localFile}${MOVED_SUFFIX}); nothing to do`);
      return;
    }
    fail(`no local state at ${localFile}: deploy account-setup first (npx cdktf deploy account-setup)`);
  }
  const local = parseState(readFileSync(localFile, "utf8"));
  if ((local.resources ?? []).length === 0) fail(`${localFile} holds no resources`);
  withS3Backend((dir, where) => {
    const remote = parseState(terraform(dir, ["state", "pull"]));
    if ((remote.resources ?? []).length > 0) {
      if (holdings(remote) !== holdings(local))
        fail(`${where} already holds a state with other resources than ${localFile}: not overwritten`);
      console.log(`${where} already holds this state (serial ${remote.serial})`);
      return;
    }
    terraform(dir, ["state", "push", localFile]);
    const pushed = parseState(terraform(dir, ["state", "pull"]));
    if (holdings(pushed) !== holdings(local))
      fail(`${where} does not read back as ${localFile} after the push`);
    console.log(`moved ${localFile} (${(local.resources ?? []).length} resources) to ${where}`);
  });
  renameSync(localFile, `${localFile}${MOVED_SUFFIX}`);
  console.log(
    `kept the local copy as ${localFile}${MOVED_SUFFIX}; from now on synthesize and deploy with CQRS_SETUP_STATE_BACKEND=s3`,
  );
}

/**
 * Teardown: account-setup cannot destroy the bucket its own state lives in, so the state goes back to the local
 * file first (the object in the bucket is left for empty-state-bucket.sh).
 */
function toLocal(localFile: string): void {
  if (existsSync(localFile)) fail(`${localFile} exists: not overwritten`);
  withS3Backend((dir, where) => {
    const text = terraform(dir, ["state", "pull"]);
    if ((parseState(text).resources ?? []).length === 0) fail(`${where} holds no state of account-setup`);
    writeFileSync(localFile, text);
    console.log(`copied ${where} to ${localFile}; destroy account-setup with CQRS_SETUP_STATE_BACKEND=local`);
  });
}

function main(argv: string[]): void {
  const at = argv.indexOf("--output");
  const outdir = resolve(at >= 0 && argv[at + 1] ? argv[at + 1] : "cdktf.out");
  const localFile = join(dirname(outdir), ACCOUNT_SETUP_LOCAL_STATE_FILE);
  if (argv.includes("--to-local")) toLocal(localFile);
  else toBucket(localFile);
}

if (require.main === module) main(process.argv.slice(2));
