import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EmulatorGapSpec, type GapHandling, gapHandling } from "./emulator-gaps";
import type { Diagnostic, PendingChange } from "./terraform";

/** One Terraform (or helper) step of one stack. */
export interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  /** What the step found, in one line. */
  summary: string;
}

/** A resource the emulator cannot serve as AWS would, and what the rehearsal did about it. */
export interface EmulatorGap {
  stack: string;
  address: string;
  api: string;
  error: string;
  /** A confirmed gap's handling (emulator-gaps.ts), or "apply error" for an unknown one, which fails the run. */
  handling: GapHandling | "apply error";
}

export interface LockTest {
  stack: string;
  /** The second `plan -lock-timeout=0s` failed with "Error acquiring the state lock". */
  refused: boolean;
  /** Lock Info the refused plan printed (ID, Path, Operation, Who, Version, Created). */
  printedLockInfo: Record<string, string>;
  /** The `.tflock` object in the state bucket while the lock was held, parsed. */
  lockObject: Record<string, string> | null;
  lockObjectKey: string;
  /** The holder's prompt was answered "no" and its lock object is gone. */
  released: boolean;
  /** A plan after the release acquired the lock and ran to the end. */
  planAfterRelease: boolean;
}

export interface TableReplacement {
  stack: string;
  address: string;
  /** `change.actions` of the table in `plan -replace=<address>`: ["delete","create"] is delete-before-create. */
  actions: string[];
}

export interface StackResult {
  name: string;
  state: "local" | "s3";
  backend?: { bucket: string; key: string; useLockfile: boolean };
  /** Managed resources in the state after apply. */
  resourcesApplied: number;
  applied: boolean;
  secondPlanClean: boolean;
  /** What the second plan wanted to change, emulator drift aside (empty when clean). */
  secondPlanChanges: PendingChange[];
  /** Second-plan updates of exactly an argument the emulator drops (a confirmed gap): not counted. */
  emulatorDrift: PendingChange[];
  destroyed: boolean;
  /** Managed resources left in the state after destroy. */
  resourcesAfterDestroy: number | null;
  /** Resources left out with -target because the emulator lacks an API they need (see gaps). */
  excluded: string[];
  errors: Diagnostic[];
  steps: StepResult[];
}

export interface RehearsalReport {
  startedAt: string;
  seconds: number;
  ok: boolean;
  failures: string[];
  toolchain: {
    terraformBinary: string;
    terraformVersion: string;
    /** provider source address -> version, as `terraform version -json` reports after init. */
    providers: Record<string, string>;
    /**
     * For each provider the stacks require (`hashicorp/aws`): the version they pin and the one used,
     * from `providers` or, for a provider installed through dev_overrides, from toolchain.env.
     */
    providerVersions: Record<string, { pinned: string; used: string }>;
    /** What tools/terraform/toolchain.sh recorded (empty when Terraform came from PATH). */
    toolchainEnv: Record<string, string>;
  };
  emulator: { name: "moto"; version: string; endpoint: string; conditionalWrites: boolean };
  stateBucket: { name: string; createdBy: string };
  stacks: StackResult[];
  lockTests: LockTest[];
  tableReplacements: TableReplacement[];
  gaps: EmulatorGap[];
  /** Each known gap of docs/aws-emulator-gaps.md, probed directly against the running emulator. */
  gapProbes: (EmulatorGapSpec & { present: boolean; evidence: string })[];
  /** Everything of the stacks' kinds still in the emulator after the last destroy. */
  inventoryAfterDestroy: Record<string, unknown> | null;
  /** `npm run rehearse -- --no-destroy`: the stacks were left for moto's exit (npm run rehearse:cli rehearses the teardown). */
  destroySkipped: boolean;
  setupSteps: StepResult[];
}

export function writeReport(dir: string, report: RehearsalReport): void {
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), markdown(report));
}

function markdown(report: RehearsalReport): string {
  const yes = (value: boolean) => (value ? "yes" : "**no**");
  const lines = [
    "# Rehearsal on the AWS emulator",
    "",
    `${report.ok ? "PASSED" : "FAILED"} in ${report.seconds} s, started ${report.startedAt}.`,
    ...report.failures.map((failure) => `- ${failure}`),
    "",
    "## Toolchain",
    "",
    `- Terraform ${report.toolchain.terraformVersion} (${report.toolchain.terraformBinary})`,
    ...Object.entries(report.toolchain.providerVersions).map(
      ([source, { pinned, used }]) => `- provider ${source} ${used} (the stacks pin ${pinned})`,
    ),
    ...Object.entries(report.toolchain.toolchainEnv).map(([key, value]) => `- toolchain.env ${key}=${value}`),
    `- moto ${report.emulator.version} at ${report.emulator.endpoint}; S3 conditional writes (If-None-Match: *): ${yes(report.emulator.conditionalWrites)}`,
    `- state bucket \`${report.stateBucket.name}\`, created by ${report.stateBucket.createdBy}`,
    "",
    "## Stacks",
    "",
    "| stack | state | resources | applied | second plan clean | destroyed |",
    "| --- | --- | --- | --- | --- | --- |",
    ...report.stacks.map(
      (s) =>
        `| ${s.name} | ${s.state} | ${s.resourcesApplied} | ${yes(s.applied)} | ${yes(s.secondPlanClean)} | ${yes(s.destroyed)} |`,
    ),
    "",
  ];
  for (const stack of report.stacks) {
    lines.push(`### ${stack.name}`, "", "| step | ok | seconds | result |", "| --- | --- | --- | --- |");
    for (const step of stack.steps) {
      lines.push(
        `| ${step.name} | ${yes(step.ok)} | ${step.seconds} | ${step.summary.replace(/\|/g, "\\|")} |`,
      );
    }
    if (stack.excluded.length > 0)
      lines.push(`- excluded (emulator gaps): ${stack.excluded.map((a) => `\`${a}\``).join(", ")}`);
    for (const change of stack.secondPlanChanges)
      lines.push(`- second plan: ${change.actions} ${change.address}`);
    for (const error of stack.errors) {
      lines.push(
        `- error${error.address ? ` on \`${error.address}\`` : ""}: ${error.summary} ${error.detail}`,
      );
    }
    lines.push("");
  }
  lines.push("## State lock", "");
  for (const lock of report.lockTests) {
    lines.push(
      `- ${lock.stack}: second plan refused: ${yes(lock.refused)}; holder printed: ${Object.entries(
        lock.printedLockInfo,
      )
        .map(([key, value]) => `${key}=${value}`)
        .join(", ")}; \`${lock.lockObjectKey}\` existed: ${yes(lock.lockObject !== null)}; released: ${yes(
        lock.released,
      )}; plan after release: ${yes(lock.planAfterRelease)}`,
    );
  }
  lines.push("", "## Table replacement (`plan -replace`)", "");
  for (const table of report.tableReplacements) {
    lines.push(`- ${table.stack} \`${table.address}\`: ${JSON.stringify(table.actions)}`);
  }
  lines.push("", "## Emulator gaps (docs/aws-emulator-gaps.md)", "");
  for (const probe of report.gapProbes) {
    lines.push(
      `- probe ${probe.probe}: ${probe.present ? "still missing" : "**served now**"} (${probe.evidence}); \`${probe.resourceType}\` ${probe.present ? gapHandling(probe) : "applied as is"}`,
    );
  }
  if (report.gaps.length === 0) lines.push("- no resource affected");
  for (const gap of report.gaps) {
    lines.push(`- ${gap.stack} \`${gap.address}\` (${gap.handling}): ${gap.api}: ${gap.error}`);
  }
  lines.push("", "## Left in the emulator after destroy", "");
  if (report.destroySkipped) lines.push("Destroy skipped (`--no-destroy`): see `npm run rehearse:cli`.", "");
  lines.push("```json");
  lines.push(JSON.stringify(report.inventoryAfterDestroy, null, 2), "```", "");
  lines.push("## Setup steps", "", "| step | ok | seconds | result |", "| --- | --- | --- | --- |");
  for (const step of report.setupSteps)
    lines.push(`| ${step.name} | ${yes(step.ok)} | ${step.seconds} | ${step.summary} |`);
  lines.push("");
  return lines.join("\n");
}
