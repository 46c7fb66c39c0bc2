import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where toolchain.sh keeps Terraform, the AWS provider and toolchain.env. */
export const TOOLCHAIN_CACHE =
  process.env.CQRS_TOOLCHAIN_CACHE || join(homedir(), ".cache", "cqrs-projections");
export const TOOLCHAIN_ENV_FILE = join(TOOLCHAIN_CACHE, "toolchain.env");

/** toolchain.env's KEY=value and KEY='value' lines, as toolchain.sh writes them; undefined before it ran. */
export function toolchainEnv(file = TOOLCHAIN_ENV_FILE): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^'(.*)'$/, "$1");
  }
  return env;
}

export interface Toolchain {
  terraformBinary: string;
  cliConfigFile?: string;
  env: Record<string, string>;
}

/** The Terraform toolchain.sh prepared, or `terraform` on PATH with no settings when it has not run. */
export function loadToolchain(): Toolchain {
  const env = toolchainEnv() ?? {};
  return { terraformBinary: env.TERRAFORM_BIN ?? "terraform", cliConfigFile: env.TF_CLI_CONFIG_FILE, env };
}
