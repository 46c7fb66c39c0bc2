/**
 * What the real Terraform S3 backend sends when it writes state, with the backend block the stacks synthesize:
 * an S3 emulator (moto) records the server-side encryption headers of each object, as S3 would apply them.
 * With `kms_key_id` the state is SSE-KMS under the state bucket's key; `encrypt = true` alone, the stacks'
 * former setting, sends SSE-S3 (AES256), which overrides the bucket's SSE-KMS default.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signRequest } from "../../../emulator/sigv4";
import { STATE_KMS_KEY_ID } from "../../../stacks/constructs/state-bucket";
import { readToolchainEnv } from "../../../tools/terraform/plan";
import { type MotoServer, startMotoServer } from "../../../tools/terraform/rehearse/moto-server";
import { defaultConfig, synthDirect } from "../../stacks/synth-helpers";

const PROJECT = join(__dirname, "..", "..", "..");
const BUCKET = "state-encryption-test";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

let moto: MotoServer;
let workDir: string;
const toolchain = readToolchainEnv();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "cqrs-state-encryption-"));
  const venv = execFileSync("bash", [join(PROJECT, "tools/python/venv.sh")], { encoding: "utf8" }).trim();
  moto = await startMotoServer(venv, join(workDir, "moto.log"));
  expect((await signed("PUT", "")).status).toBe(200);
  // The state bucket's default encryption (stacks/constructs/state-bucket.ts): SSE-KMS, S3's managed key.
  const encryption =
    "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms" +
    "</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>" +
    "</ServerSideEncryptionConfiguration>";
  expect((await signed("PUT", "?encryption", encryption)).status).toBe(200);
}, 180_000);

/** A SigV4-signed request to the bucket (S3 serves SSE-KMS objects only to signed requests; moto too). */
async function signed(method: string, path: string, body = ""): Promise<Response> {
  const url = new URL(`${moto.endpoint}/${BUCKET}${path}`);
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const headers = await signRequest(
    { method, url, headers: { "x-amz-content-sha256": payloadHash }, body },
    { credentials: CREDENTIALS, region: "us-east-1", service: "s3" },
  );
  return fetch(url, { method, headers, body: method === "HEAD" || method === "GET" ? undefined : body });
}

afterAll(async () => {
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Applies a configuration with one built-in resource (no provider) under this S3 backend block. */
function applyWithBackend(name: string, backend: Record<string, unknown>): void {
  const dir = join(workDir, name);
  execFileSync("mkdir", ["-p", dir]);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: {
        backend: {
          s3: {
            ...backend,
            bucket: BUCKET,
            endpoints: { s3: moto.endpoint },
            use_path_style: true,
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
          },
        },
      },
      resource: { terraform_data: { marker: { input: name } } },
    }),
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: toolchain.TF_CLI_CONFIG_FILE,
    TF_IN_AUTOMATION: "1",
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  for (const args of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    execFileSync(toolchain.TERRAFORM_BIN, args, { cwd: dir, env, stdio: "pipe" });
  }
}

async function encryptionOf(key: string) {
  const head = await signed("HEAD", `/${key}`);
  expect(head.status).toBe(200);
  return {
    algorithm: head.headers.get("x-amz-server-side-encryption"),
    key: head.headers.get("x-amz-server-side-encryption-aws-kms-key-id"),
  };
}

const synthesizedBackend = () => synthDirect(defaultConfig()).json.terraform.backend.s3;

test("the synthesized backend writes state with SSE-KMS under the state bucket's key", async () => {
  const backend = { ...synthesizedBackend(), key: "synthesized/direct-projection.tfstate" };
  expect(backend).toMatchObject({ encrypt: true, kms_key_id: STATE_KMS_KEY_ID, use_lockfile: true });
  applyWithBackend("synthesized", backend);
  expect(await encryptionOf(backend.key as string)).toEqual({ algorithm: "aws:kms", key: STATE_KMS_KEY_ID });
}, 180_000);

test("an object written without encryption headers gets the bucket's SSE-KMS default", async () => {
  expect((await signed("PUT", "/plain-object", "x")).status).toBe(200);
  expect(await encryptionOf("plain-object")).toMatchObject({ algorithm: "aws:kms" });
});

test("encrypt = true without kms_key_id writes state with SSE-S3 (AES256), overriding that default", async () => {
  const { kms_key_id: _, ...withoutKey } = synthesizedBackend();
  const backend = { ...withoutKey, key: "encrypt-only/direct-projection.tfstate" };
  applyWithBackend("encrypt-only", backend);
  expect(await encryptionOf(backend.key as string)).toEqual({ algorithm: "AES256", key: null });
}, 180_000);
