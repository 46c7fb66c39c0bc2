/**
 * What `npm run rehearse` found when it ran the real Terraform and AWS provider against moto:
 * these tests read rehearsal/report.json and rehearsal/cdktf.out (written by that run).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliReport } from "../../../tools/terraform/rehearse/cli";
import { gapHandling } from "../../../tools/terraform/rehearse/emulator-gaps";
import type { RehearsalReport } from "../../../tools/terraform/rehearse/report";

const REHEARSAL = join(__dirname, "..", "..", "..", "rehearsal");
const REPORT = join(REHEARSAL, "report.json");

function loadReport(): RehearsalReport {
  if (!existsSync(REPORT)) {
    throw new Error(`${REPORT} does not exist: run \`npm run rehearse\` first`);
  }
  return JSON.parse(readFileSync(REPORT, "utf8")) as RehearsalReport;
}

const report = loadReport();

/** The stacks the rehearsal synthesized, and the resources of one type in each. */
function synthesized(): { name: string; resources: Record<string, Record<string, unknown>> }[] {
  const outdir = join(REHEARSAL, "cdktf.out");
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, stack]) => {
    const config = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    return { name, resources: config.resource ?? {} };
  });
}

describe("npm run rehearse (rehearsal/report.json)", () => {
  it("ran the real Terraform >= 1.11 with a recorded AWS provider, against moto", () => {
    const [major, minor] = report.toolchain.terraformVersion.split(".").map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1011);
    const providers = report.toolchain.providerVersions;
    expect(Object.keys(providers)).toContain("hashicorp/aws");
    for (const [source, { pinned, used }] of Object.entries(providers)) {
      expect({ source, pinned, used }).toEqual({
        source,
        pinned: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        used: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
    }
    expect(report.emulator.name).toBe("moto");
    expect(report.emulator.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.emulator.conditionalWrites).toBe(true);
  });

  it("passed as a whole", () => {
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("applied every synthesized stack, the account-setup stack (when there is one) first", () => {
    const names = synthesized().map((s) => s.name);
    expect(report.stacks.map((s) => s.name).sort()).toEqual([...names].sort());
    if (names.includes("account-setup")) expect(report.stacks[0].name).toBe("account-setup");
    for (const stack of report.stacks) {
      expect({ stack: stack.name, applied: stack.applied, errors: stack.errors }).toEqual({
        stack: stack.name,
        applied: true,
        errors: [],
      });
      expect(stack.resourcesApplied).toBeGreaterThan(0);
    }
  });

  it("kept the application stacks' state in the emulator's S3 with use_lockfile", () => {
    const s3Stacks = report.stacks.filter((s) => s.name !== "account-setup");
    expect(s3Stacks.length).toBeGreaterThanOrEqual(2);
    for (const stack of s3Stacks) {
      expect(stack.state).toBe("s3");
      expect(stack.backend).toEqual({
        bucket: report.stateBucket.name,
        key: expect.stringMatching(new RegExp(`/${stack.name}\\.tfstate$`)),
        useLockfile: true,
      });
    }
  });

  it("found no changes in a second plan of any stack, but updates of arguments the emulator is known to drop", () => {
    const dropped = report.gapProbes.filter((g) => g.present && g.driftingArgument);
    for (const stack of report.stacks) {
      expect({ stack: stack.name, clean: stack.secondPlanClean, changes: stack.secondPlanChanges }).toEqual({
        stack: stack.name,
        clean: true,
        changes: [],
      });
      for (const drift of stack.emulatorDrift) {
        const known = dropped.filter((g) => g.resourceType === drift.type).map((g) => g.driftingArgument);
        expect({ drift, onlyDroppedArguments: drift.arguments.every((a) => known.includes(a)) }).toEqual({
          drift,
          onlyDroppedArguments: true,
        });
        expect(drift.actions).toEqual(["update"]);
      }
    }
  });

  it("refused a concurrent plan while another process held the state lock, naming the holder", () => {
    const s3Stacks = report.stacks.filter((s) => s.state === "s3");
    expect(report.lockTests.map((t) => t.stack).sort()).toEqual(s3Stacks.map((s) => s.name).sort());
    for (const test of report.lockTests) {
      const stack = s3Stacks.find((s) => s.name === test.stack);
      expect(test.refused).toBe(true);
      expect(test.printedLockInfo.ID).toMatch(/^[0-9a-f-]{36}$/);
      expect(test.printedLockInfo.Who).toMatch(/.+@.+/);
      expect(test.printedLockInfo.Operation).toBe("OperationTypeApply");
      expect(test.printedLockInfo.Path).toBe(`${report.stateBucket.name}/${stack?.backend?.key}`);
      expect(test.lockObjectKey).toBe(`${stack?.backend?.key}.tflock`);
      expect(test.lockObject).toMatchObject({
        ID: test.printedLockInfo.ID,
        Who: test.printedLockInfo.Who,
        Path: test.printedLockInfo.Path,
      });
      expect(test.released).toBe(true);
      expect(test.planAfterRelease).toBe(true);
    }
  });

  it("would replace every DynamoDB table delete-before-create (no create_before_destroy forced on tables)", () => {
    const expected = synthesized().flatMap((stack) =>
      Object.keys(stack.resources.aws_dynamodb_table ?? {}).map((name) => ({
        stack: stack.name,
        address: `aws_dynamodb_table.${name}`,
        actions: ["delete", "create"],
      })),
    );
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const sortKey = (t: { stack: string; address: string }) => `${t.stack} ${t.address}`;
    const byKey = (a: { stack: string; address: string }, b: { stack: string; address: string }) =>
      sortKey(a).localeCompare(sortKey(b));
    expect([...report.tableReplacements].sort(byKey)).toEqual([...expected].sort(byKey));
  });

  it("destroyed every stack and left nothing of theirs in the emulator", () => {
    if (report.destroySkipped) {
      // `npm run rehearse -- --no-destroy` (.ci/run): the teardown is rehearsed by `npm run rehearse:cli` alone.
      const cli = JSON.parse(readFileSync(join(REHEARSAL, "cli", "report.json"), "utf8")) as CliReport;
      expect(cli.failures).toEqual([]);
      expect(cli.steps.filter((s) => s.name.startsWith("destroy")).map((s) => [s.name, s.ok])).toEqual([
        ["destroy application stacks", true],
        ["destroy account-setup", true],
      ]);
      return;
    }
    for (const stack of report.stacks) {
      expect({ stack: stack.name, destroyed: stack.destroyed, left: stack.resourcesAfterDestroy }).toEqual({
        stack: stack.name,
        destroyed: true,
        left: 0,
      });
    }
    const inventory = report.inventoryAfterDestroy;
    expect(inventory).not.toBeNull();
    // What a confirmed gap says the emulator cannot delete: its resource was taken out of the state instead.
    const kept = report.gapProbes
      .filter((g) => g.present && g.keptOnDestroy)
      .map((g) => g.keptOnDestroy?.inventoryKey);
    for (const [kind, value] of Object.entries(inventory ?? {}).filter(([k]) => !kept.includes(k))) {
      const empty = Array.isArray(value)
        ? value.length === 0
        : value === null || value === undefined || Object.keys(value).length === 0;
      expect({ kind, value, empty }).toEqual({ kind, value, empty: true });
    }
  });

  it("worked around only resources of a gap its probe confirmed, each documented in docs/aws-emulator-gaps.md", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "..", "docs", "aws-emulator-gaps.md"), "utf8");
    const confirmed = report.gapProbes.filter((g) => g.present);
    for (const probe of confirmed) {
      expect({
        probe: probe.probe,
        documented: doc.includes(`\`${probe.probe}\``) && doc.includes(probe.resourceType),
      }).toEqual({
        probe: probe.probe,
        documented: true,
      });
    }
    const excludedTypes = confirmed.filter((g) => gapHandling(g) === "excluded").map((g) => g.resourceType);
    for (const stack of report.stacks) {
      for (const address of stack.excluded) expect(excludedTypes).toContain(address.split(".")[0]);
    }
    const excluded = report.gaps.filter((g) => g.handling === "excluded");
    expect(excluded.map((g) => `${g.stack} ${g.address}`).sort()).toEqual(
      report.stacks.flatMap((s) => s.excluded.map((address) => `${s.name} ${address}`)).sort(),
    );
    for (const gap of report.gaps) {
      const probe = confirmed.find((g) => g.resourceType === gap.address.split(".")[0] && g.api === gap.api);
      expect({ gap, handling: probe && gapHandling(probe) }).toEqual({ gap, handling: gap.handling });
    }
  });
});
