import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const TEMPLATES_DIR = path.resolve(__dirname, "..", "..", "templates");

/** The text of a file under `templates/`, exactly as written. */
export function readTemplate(name: string): string {
  return readFileSync(path.join(TEMPLATES_DIR, name), "utf8");
}

/**
 * Terraform evaluates `${...}` and `%{...}` inside every string of `cdk.tf.json`.
 * Doubling the opening character makes Terraform hand the text to AWS unchanged.
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{");
}

/** Inverse of escapeTerraformTemplate: what Terraform sends to AWS for a literal string. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replaceAll("$${", () => "${").replaceAll("%%{", () => "%{");
}

/** A template file ready to be placed in a Terraform string attribute. */
export function terraformTemplate(name: string): string {
  return escapeTerraformTemplate(readTemplate(name));
}

/** Content digest of some synthesized configuration; drives API redeployments. */
export function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}
