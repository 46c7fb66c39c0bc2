import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export type Attributes = Record<string, unknown>;

/** The parts of a synthesized `cdk.tf.json` the local runtime reads. */
export interface TerraformDocument {
  terraform?: Attributes;
  provider?: Record<string, Attributes[]>;
  resource?: Record<string, Record<string, Attributes>>;
  data?: Record<string, Record<string, Attributes>>;
  output?: Record<string, { value: unknown }>;
}

export interface SynthesizedStack {
  name: string;
  /** Folder holding `cdk.tf.json`: what `${path.module}` means. */
  dir: string;
  document: TerraformDocument;
}

export class SynthOutputError extends Error {
  override name = "SynthOutputError";
}

/** Names of the stacks in a `cdktf.out` folder, from its manifest. */
export function listSynthesizedStacks(outdir: string): string[] {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) {
    throw new SynthOutputError(`${manifestFile} not found: run \`npm run synth\` first`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks: Record<string, unknown> };
  return Object.keys(manifest.stacks).sort();
}

/**
 * The synthesized stacks that serve an API, i.e. that the local runtime runs. The others hold only
 * account-wide settings that have no local effect.
 */
export function listApplicationStacks(outdir: string): string[] {
  return listSynthesizedStacks(outdir).filter(
    (name) => readSynthesizedStack(outdir, name).document.resource?.aws_api_gateway_rest_api !== undefined,
  );
}

export function readSynthesizedStack(outdir: string, name: string): SynthesizedStack {
  const dir = path.join(outdir, "stacks", name);
  const file = path.join(dir, "cdk.tf.json");
  if (!existsSync(file)) {
    throw new SynthOutputError(`${file} not found: is "${name}" one of the synthesized stacks?`);
  }
  return { name, dir, document: JSON.parse(readFileSync(file, "utf8")) as TerraformDocument };
}
