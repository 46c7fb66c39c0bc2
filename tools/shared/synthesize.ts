import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");

/** The project files a synthesis runs from: a copy of them (with node_modules) synthesizes the same. */
export const SYNTHESIS_SOURCES = [
  "main.ts",
  "cdktf.json",
  "package.json",
  "tsconfig.json",
  "stacks",
  "functions",
  "templates",
] as const;

/** What synthesis reads: a change to any of them makes cdktf.out stale. */
const SOURCES = ["main.ts", "cdktf.json", "package-lock.json", "stacks", "functions", "templates"];

export class SynthesisError extends Error {
  override name = "SynthesisError";
}

function newestModification(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (newest, child) => Math.max(newest, newestModification(path.join(entry, child))),
    0,
  );
}

/** Written next to the manifest by synthesize(): the settings the stacks were synthesized with. */
const SETTINGS_STAMP = "cqrs-settings.json";

/** The stack settings in an environment (AWS_REGION and CQRS_*, not the local runtime's own variables). */
export function stackSettingsOf(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment)
      .filter(
        ([name]) => name === "AWS_REGION" || (name.startsWith("CQRS_") && !/^CQRS_(LOCAL|FAULT)/.test(name)),
      )
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * True when cdktf.out is missing, older than a source it was synthesized from, or synthesized with
 * other settings than `environment` has (or by another tool, which leaves no settings stamp).
 */
export function synthIsStale(
  outdir: string = DEFAULT_OUTDIR,
  environment: NodeJS.ProcessEnv = process.env,
): boolean {
  const manifest = path.join(outdir, "manifest.json");
  const stamp = path.join(outdir, SETTINGS_STAMP);
  if (!existsSync(manifest) || !existsSync(stamp)) return true;
  if (readFileSync(stamp, "utf8") !== JSON.stringify(stackSettingsOf(environment))) return true;
  const synthesizedAt = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestModification(path.join(PROJECT_ROOT, source)) > synthesizedAt);
}

/**
 * Runs the app command of cdktf.json, as `cdktf synth` does, into outdir. Returns what the app wrote to
 * stderr on success: its warnings (such as CQRS_API_AUTH=none), for the caller to show.
 */
export function synthesize(
  outdir: string = DEFAULT_OUTDIR,
  environment: Record<string, string> = {},
): string {
  const { app } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const result = spawnSync(app, {
    cwd: PROJECT_ROOT,
    shell: true,
    encoding: "utf8",
    env: { ...process.env, ...environment, CDKTF_OUTDIR: outdir },
  });
  if (result.status !== 0) {
    const why =
      `${result.stderr ?? ""}${result.stdout ?? ""}`.trim() || String(result.error ?? "unknown error");
    throw new SynthesisError(`synthesis failed (${app}):\n${why}`);
  }
  writeFileSync(
    path.join(outdir, SETTINGS_STAMP),
    JSON.stringify(stackSettingsOf({ ...process.env, ...environment })),
  );
  return result.stderr ?? "";
}
