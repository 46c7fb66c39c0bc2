import { S3Backend, type TerraformStack } from "cdktf";
import type { StateBackendSettings } from "../config";

/** Where the state of one stack lives: `<prefix>/<environment>/<stack>.tfstate`. */
export function stateKey(settings: StateBackendSettings, environment: string, stackName: string): string {
  return `${settings.keyPrefix}/${environment}/${stackName}.tfstate`;
}

/**
 * Encrypted S3 state with S3-native locking. CDKTF's S3Backend has no `useLockfile` option,
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
  });
  backend.addOverride("use_lockfile", true);
  return backend;
}
