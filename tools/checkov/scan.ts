/**
 * npm run scan: checkov on every synthesized stack, for each settings variant, with zero failed checks
 * outside the skips of `.checkov.yaml`, and no skip there that matches nothing.
 *
 * checkov runs from the virtual environment `tools/python/venv.sh checkov` builds (once, in the
 * toolchain cache), on a copy of each synthesized `cdk.tf.json` without `terraform.required_version`:
 * checkov's terraform_json parser fails on that key (https://github.com/bridgecrewio/checkov/issues/7454).
 * It runs without the skips, so that the verdict sees every failed check and can tell a stale skip.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../../stacks/config";
import { PROJECT_ROOT } from "../../stacks/constructs/bundled-function";
import { addStacks } from "../../stacks/projections";
import { findingsOf, judge, parseSkips } from "./skips";
import { SCAN_VARIANTS } from "./variants";

function synthesize(env: Record<string, string>, outdir: string): string[] {
  const config = loadConfig(env);
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const stacks = addStacks(app, config);
  app.synth();
  return stacks.map((stack) => stack.node.id);
}

/** The synthesized document of one stack, as checkov gets it (see the header about required_version). */
function scannableCopy(synthesized: string, target: string): void {
  const document = JSON.parse(readFileSync(synthesized, "utf8"));
  delete document.terraform.required_version;
  mkdirSync(join(target, ".."), { recursive: true });
  writeFileSync(target, JSON.stringify(document, null, 2));
}

function checkovBinary(): string {
  const venv = spawnSync(join(PROJECT_ROOT, "tools", "python", "venv.sh"), ["checkov"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (venv.status !== 0) throw new Error("tools/python/venv.sh checkov failed");
  return join(venv.stdout.trim(), "bin", "checkov");
}

function main(): number {
  const skips = parseSkips(readFileSync(join(PROJECT_ROOT, ".checkov.yaml"), "utf8"));
  const names = SCAN_VARIANTS.map((variant) => variant.name);
  for (const skip of skips) {
    const unknown = (skip.variants ?? []).filter((name) => !names.includes(name));
    if (unknown.length > 0)
      throw new Error(`.checkov.yaml: ${skip.id} names unknown variant(s) ${unknown.join(", ")}`);
  }
  const checkov = checkovBinary();
  const work = mkdtempSync(join(tmpdir(), "cqrs-scan-"));
  try {
    const scanned = join(work, "scanned");
    for (const variant of SCAN_VARIANTS) {
      const outdir = join(work, "synth", variant.name);
      for (const stack of synthesize(variant.env, outdir)) {
        scannableCopy(
          join(outdir, "stacks", stack, "cdk.tf.json"),
          join(scanned, variant.name, stack, "cdk.tf.json"),
        );
      }
    }
    // From the work directory, so that checkov does not pick up the repository's .checkov.yaml.
    const run = spawnSync(
      checkov,
      ["-d", "scanned", "--framework", "terraform_json", "-o", "json", "--soft-fail", "--skip-download"],
      { cwd: work, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
    );
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      throw new Error(`checkov exited with ${run.status}`);
    }
    const { findings, checkovVersion, passed } = findingsOf(run.stdout);
    if (passed === 0) throw new Error("checkov passed no check at all: nothing was scanned");
    const verdict = judge(findings, skips);

    console.log(
      `checkov ${checkovVersion}: ${SCAN_VARIANTS.length} variants (${SCAN_VARIANTS.map((v) => v.name).join(", ")}), ` +
        `${passed} passed, ${findings.length} failed, of which ${findings.length - verdict.unexpected.length} skipped by .checkov.yaml`,
    );
    for (const skip of skips) {
      const scope = skip.variants ? ` [only: ${skip.variants.join(", ")}]` : "";
      console.log(`  skip ${skip.id}${scope} (${verdict.covered.get(skip.id)}): ${skip.reason}`);
    }
    for (const finding of verdict.unexpected) {
      console.error(`FAILED ${finding.checkId} ${finding.resource} in ${finding.location}`);
    }
    for (const skip of verdict.stale) {
      console.error(
        `STALE SKIP ${skip.id}: it matches no failed check any more; remove it from .checkov.yaml`,
      );
    }
    return verdict.unexpected.length === 0 && verdict.stale.length === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
