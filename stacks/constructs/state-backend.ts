import { S3Backend, type TerraformStack } from "cdktf";
import type { StateBackendSettings } from "../config";
import { STATE_KMS_KEY_ID } from "./state-bucket";

/**
 * Where the state of one stack lives: `<prefix>/<environment>/<region>/<stack>.tfstate`. The region keeps
 * one environment's deployments in two regions apart in one bucket.
 */
export function stateKey(
  settings: StateBackendSettings,
  environment: string,
  region: string,
  stackName: string,
): string {
  return `${settings.keyPrefix}/${environment}/${region}/${stackName}.tfstate`;
}

/**
 * S3 state encrypted with SSE-KMS under STATE_KMS_KEY_ID, with S3-native locking. `encrypt = true` alone
 * would upload state and lock objects with SSE-S3 (AES256), overriding the bucket's SSE-KMS default;
 * naming the key makes every object Terraform writes use it. CDKTF's S3Backend has no `useLockfile` option,
 * so the attribute is added as an override (Terraform >= 1.10).
 */
export function useS3StateBackend(
  stack: TerraformStack,
  settings: StateBackendSettings,
  key: string,
): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: settings.bucket,
    key,
    region: settings.region,
    encrypt: true,
    kmsKeyId: STATE_KMS_KEY_ID,
  });
  backend.addOverride("use_lockfile", true);
  return backend;
}
