/**
 * What `npm run rehearse:cli` found when it ran the cdktf commands of docs/deployment.md against moto: these tests
 * read rehearsal/cli/report.json (written by that run) and docs/deployment.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadConfig } from "../../../stacks/config";
import { stateKey } from "../../../stacks/constructs/state-backend";
import type { CliReport } from "../../../tools/terraform/rehearse/cli";
import { REGION, STATE_BUCKET } from "../../../tools/terraform/rehearse/emulator-config";
import { EMULATOR_GAPS } from "../../../tools/terraform/rehearse/emulator-gaps";

const ROOT = join(__dirname, "..", "..", "..");
const REPORT = join(ROOT, "rehearsal", "cli", "report.json");

function loadReport(): CliReport {
  if (!existsSync(REPORT)) throw new Error(`${REPORT} does not exist: run \`npm run rehearse:cli\` first`);
  return JSON.parse(readFileSync(REPORT, "utf8")) as CliReport;
}

const report = loadReport();
const deployment = readFileSync(join(ROOT, "docs", "deployment.md"), "utf8");
const APPLICATION_STACKS = ["direct-projection", "queued-projection"];
/** The settings the rehearsal synthesizes with: the state keys follow from them. */
const config = loadConfig({ AWS_REGION: REGION, CQRS_STATE_BUCKET: STATE_BUCKET });

/**
 * A step's command as docs/deployment.md writes it: without what only the emulator or the offline provider needs
 * (endpoint, path style and -target variables, --skip-provider-lock, --output) and what automation adds
 * (--auto-approve), with the bucket as "$CQRS_STATE_BUCKET".
 */
function asDocumented(command: string, bucket: string): string {
  return command
    .replace(/TF_CLI_ARGS_init=-backend-config=use_path_style=true /g, "")
    .replace(/TF_CLI_ARGS_(plan|apply)='[^']*' /g, "")
    .replace(/ --output \S+/g, "")
    .replace(/ --(skip-provider-lock|auto-approve)/g, "")
    .replace(/ --$/, "")
    .replace(bucket, '"$CQRS_STATE_BUCKET"')
    .trim();
}

describe("npm run rehearse:cli (rehearsal/cli/report.json)", () => {
  it("passed as a whole, every step ok", () => {
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    for (const step of report.steps)
      expect({ step: step.name, ok: step.ok }).toEqual({ step: step.name, ok: true });
  });

  it("ran the first deploy and teardown of docs/deployment.md, command for command, in that order", () => {
    const bucket = report.environment.CQRS_STATE_BUCKET;
    const ran = report.steps.filter((s) => s.command !== "").map((s) => asDocumented(s.command, bucket));
    const documented = [
      "npx cdktf deploy account-setup",
      "npm run setup:move-state",
      "npx cdktf diff direct-projection",
      "npx cdktf deploy direct-projection",
      "npx cdktf output direct-projection",
      "npx cdktf deploy queued-projection",
      "npx cdktf deploy direct-projection queued-projection",
      "npx cdktf destroy direct-projection queued-projection",
      "npm run setup:move-state -- --to-local",
      'bash tools/terraform/empty-state-bucket.sh "$CQRS_STATE_BUCKET"',
      "CQRS_SETUP_STATE_BACKEND=local TF_CLI_ARGS_init=-reconfigure npx cdktf destroy account-setup",
    ];
    for (const command of documented) {
      expect({ command, documented: deployment.includes(command), ran: ran.includes(command) }).toEqual({
        command,
        documented: true,
        ran: true,
      });
    }
    const order = documented.map((command) => ran.indexOf(command));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("kept account-setup's first state beside cdktf.out, where rm -rf cdktf.out left it, and moved it into the bucket", () => {
    const move = report.stateMove;
    expect(relative(join(ROOT, "rehearsal", "cli"), move.localStateFile)).toBe(
      "terraform.account-setup.tfstate",
    );
    expect(move).toMatchObject({
      insideCdktfOut: false,
      survivedRemovingCdktfOut: true,
      stateKey: "cqrs-projections/account-setup/us-east-1.tfstate",
      inBucketAfterMove: true,
      localRenamed: true,
      replanChanges: [],
    });
  });

  it("deployed each application stack with its S3 backend and read every output back", () => {
    for (const stack of APPLICATION_STACKS) {
      expect(report.outputs[stack]).toEqual(expect.arrayContaining(["api_url", "summary_table_name"]));
    }
  });

  it("found no change in a second diff after deploying both stacks at once, but drift of known emulator gaps", () => {
    expect(report.secondDiffs.map((d) => d.stack).sort()).toEqual(APPLICATION_STACKS);
    const present = new Set(report.gapProbes.filter((g) => g.present).map((g) => g.resourceType));
    for (const diff of report.secondDiffs) {
      expect({ stack: diff.stack, changes: diff.changes }).toEqual({ stack: diff.stack, changes: [] });
      for (const drift of diff.emulatorDrift) expect(present).toContain(drift.type);
      // The CLI's diff cannot gate: it exits 0 whatever it plans.
      expect(diff.cdktfExitCode).toBe(0);
    }
  });

  it("emptied every version and delete marker of the state bucket before destroying account-setup, and left nothing", () => {
    const before = report.stateBucketBeforeEmptying;
    const keys = Object.keys(before);
    expect(keys).toEqual(
      expect.arrayContaining([
        report.stateMove.stateKey,
        ...APPLICATION_STACKS.map((s) => stateKey(config.state, config.environment, config.region, s)),
      ]),
    );
    // Released locks leave delete markers: the bucket holds more than current versions.
    expect(Object.values(before).some((k) => k.DeleteMarkers > 0)).toBe(true);
    expect(report.stateBucketAfterEmptying).toEqual({});
    const kept = EMULATOR_GAPS.filter((g) => g.keptOnDestroy).map((g) => g.keptOnDestroy?.inventoryKey);
    for (const [kind, value] of Object.entries(report.inventoryAfterDestroy ?? {}).filter(
      ([k]) => !kept.includes(k),
    )) {
      const empty = Array.isArray(value) ? value.length === 0 : !value || Object.keys(value).length === 0;
      expect({ kind, value, empty }).toEqual({ kind, value, empty: true });
    }
  });

  it("recorded each difference from the plain path, and docs name every gap it probed", () => {
    expect(report.differences.length).toBeGreaterThan(0);
    const gaps = readFileSync(join(ROOT, "docs", "aws-emulator-gaps.md"), "utf8");
    for (const probe of report.gapProbes.filter((g) => g.present)) {
      expect({ probe: probe.probe, documented: gaps.includes(`\`${probe.probe}\``) }).toEqual({
        probe: probe.probe,
        documented: true,
      });
    }
    for (const text of [
      "--skip-provider-lock",
      "TF_CLI_ARGS_init=-backend-config=use_path_style=true",
      "--refresh-only",
    ])
      expect(deployment).toContain(text);
  });
});
