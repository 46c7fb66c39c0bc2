import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { deflateRawSync } from "node:zlib";
import { median } from "./statistics";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules", ".bin", name);

export interface SynthesisRow {
  /** Median wall time of the CDKTF app alone (`tsx main.ts`, what cdktf.json runs), seconds. */
  appSeconds: number;
  /** Median CPU time (user + system, the app and every process it started, esbuild included), seconds; null off Linux. */
  appCpuSeconds: number | null;
  /** Median wall time of `cdktf synth` (the CLI, which runs the app), seconds. */
  cdktfSynthSeconds: number;
  cdktfSynthCpuSeconds: number | null;
  runs: number;
}

export interface BundleRow {
  function: string;
  rawBytes: number;
  /** A zip of the one file, as the archive provider makes it (deflate). */
  zippedBytes: number;
  /** Median time to require the bundle in a fresh Node process, milliseconds. */
  initMs: number;
  /** Median CPU time of that require, milliseconds (less sensitive than wall time to a busy machine). */
  initCpuMs: number;
  runs: number;
}

/** CPU seconds of this process's finished children (Linux: /proc/self/stat cutime + cstime), or null. */
function childrenCpuSeconds(): number | null {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8")
      .replace(/^.*\) /, "")
      .split(" ");
    // After "(comm) " the state is field 3, so cutime (16) and cstime (17) sit at indexes 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

function timed(
  command: string,
  args: string[],
  env: Record<string, string>,
): { wall: number; cpu: number | null } {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

const medianOrNull = (values: (number | null)[]) =>
  values.some((v) => v === null) ? null : Math.round(median(values as number[]) * 100) / 100;

/** Synthesizes `runs` times each way into fresh folders; returns the timings and the last app output. */
export function measureSynthesis(runs: number): { row: SynthesisRow; outdir: string } {
  const app: { wall: number; cpu: number | null }[] = [];
  const cli: { wall: number; cpu: number | null }[] = [];
  let outdir = "";
  for (let run = 0; run < runs; run++) {
    const cliOut = mkdtempSync(path.join(tmpdir(), "cqrs-bench-cli-"));
    cli.push(timed(bin("cdktf"), ["synth", "--output", cliOut], { CHECKPOINT_DISABLE: "1" }));
    rmSync(cliOut, { recursive: true, force: true });
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    outdir = mkdtempSync(path.join(tmpdir(), "cqrs-bench-app-"));
    app.push(timed(bin("tsx"), ["main.ts"], { CDKTF_OUTDIR: outdir }));
  }
  return {
    row: {
      appSeconds: median(app.map((t) => t.wall)),
      appCpuSeconds: medianOrNull(app.map((t) => t.cpu)),
      cdktfSynthSeconds: median(cli.map((t) => t.wall)),
      cdktfSynthCpuSeconds: medianOrNull(cli.map((t) => t.cpu)),
      runs,
    },
    outdir,
  };
}

/** Size of a zip archive holding one file `name` with this deflated content. */
function zipSize(name: string, deflatedBytes: number): number {
  const localHeader = 30 + name.length;
  const centralHeader = 46 + name.length;
  const endOfCentralDirectory = 22;
  return localHeader + deflatedBytes + centralHeader + endOfCentralDirectory;
}

function bundlesIn(outdir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const stack of readdirSync(path.join(outdir, "stacks"))) {
    const assets = path.join(outdir, "stacks", stack, "assets");
    for (const asset of statSync(assets, { throwIfNoEntry: false }) ? readdirSync(assets) : []) {
      const name = asset.replace(/_bundle_[0-9A-F]+$/, "");
      for (const hash of readdirSync(path.join(assets, asset))) {
        found.set(name, path.join(assets, asset, hash, "index.js"));
      }
    }
  }
  return found;
}

const INIT_SCRIPT = `
const { performance } = require("node:perf_hooks");
const cpu = process.cpuUsage();
const started = performance.now();
require(process.argv[1]);
const wall = performance.now() - started;
const spent = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wall, cpu: (spent.user + spent.system) / 1000 }));
`;

/** Each synthesized bundle: raw and zipped size, and the median time to load it in a fresh process. */
export function measureBundles(outdir: string, runs: number): BundleRow[] {
  const env = {
    AWS_REGION: "us-east-1",
    SUMMARY_TABLE_NAME: "summary",
    LEDGER_TABLE_NAME: "ledger",
    SUMMARY_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/summary-updates",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  };
  return [...bundlesIn(outdir)].sort().map(([name, file]) => {
    const content = readFileSync(file);
    const inits: number[] = [];
    const cpus: number[] = [];
    for (let run = 0; run < runs; run++) {
      const result = spawnSync(process.execPath, ["-e", INIT_SCRIPT, file], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`loading ${file} failed:\n${result.stderr}`);
      const measured = JSON.parse(result.stdout) as { wall: number; cpu: number };
      inits.push(measured.wall);
      cpus.push(measured.cpu);
    }
    return {
      function: name,
      rawBytes: content.length,
      zippedBytes: zipSize("index.js", deflateRawSync(content, { level: 6 }).length),
      initMs: Math.round(median(inits) * 10) / 10,
      initCpuMs: Math.round(median(cpus) * 10) / 10,
      runs,
    };
  });
}
