import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const DEFAULT_OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");

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

/** True when cdktf.out is missing or older than a source it was synthesized from. */
export function synthIsStale(outdir: string = DEFAULT_OUTDIR): boolean {
  const manifest = path.join(outdir, "manifest.json");
  if (!existsSync(manifest)) return true;
  const synthesizedAt = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestModification(path.join(PROJECT_ROOT, source)) > synthesizedAt);
}

/** Runs the app command of cdktf.json, as `cdktf synth` does, into outdir. */
export function synthesize(outdir: string = DEFAULT_OUTDIR, environment: Record<string, string> = {}): void {
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
}
