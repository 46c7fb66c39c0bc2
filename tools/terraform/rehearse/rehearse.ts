/**
 * npm run rehearse: the whole Terraform lifecycle of every stack, with the real Terraform and AWS
 * provider, against moto (a local AWS API emulator) on a free loopback port. See docs/terraform.md,
 * "npm run rehearse". Writes rehearsal/report.json and rehearsal/report.md; exits 1 when a check fails.
 *
 * The steps run in order over one context (context.ts), each in its own file under steps/.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LOGS, log, OUT, RehearsalContext, type RehearsalStep, WORK } from "./context";
import { writeReport } from "./report";
import { runRehearsal, seconds } from "./runner";
import { deployStacks } from "./steps/deploy-stacks";
import { destroyStacks, NO_DESTROY } from "./steps/destroy-stacks";
import { inventoryAfterDestroy } from "./steps/inventory";
import { probeEmulator } from "./steps/probe-emulator";
import { pythonVenv } from "./steps/python-venv";
import { startMoto } from "./steps/start-moto";
import { synthesizeStacks } from "./steps/synthesize";

export const STEPS: readonly RehearsalStep[] = [
  pythonVenv,
  synthesizeStacks,
  startMoto,
  probeEmulator,
  deployStacks,
  destroyStacks,
  inventoryAfterDestroy,
];

export async function runSteps(context: RehearsalContext, steps: readonly RehearsalStep[]): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  mkdirSync(LOGS, { recursive: true });
  context.report.toolchain.terraformBinary = context.toolchain.terraformBinary;
  context.report.toolchain.toolchainEnv = context.toolchain.env;
  for (const step of steps) {
    const skipped = step.skipped?.(context);
    if (skipped) log(`${step.name} skipped (${skipped})`);
    else await step.run(context);
  }
}

/** Stops what still runs and moto, judges the whole run and writes the report. */
export async function finish(context: RehearsalContext): Promise<void> {
  await context.stopChildren();
  if (context.moto) {
    await context.moto.stop();
    log(`moto stopped`);
  }
  const report = context.report;
  report.seconds = seconds(context.started);
  const checks: [boolean, string][] = [
    [report.stacks.length > 0 && report.stacks.every((s) => s.applied), "not every stack applied"],
    [report.stacks.every((s) => s.secondPlanClean), "a second plan found changes"],
    [report.destroySkipped || report.stacks.every((s) => s.destroyed), "not every stack was destroyed"],
    [
      report.lockTests.length > 0 && report.lockTests.every((t) => t.refused),
      "no lock test refused a concurrent plan",
    ],
  ];
  for (const [passed, message] of checks)
    if (!passed && !report.failures.includes(message)) report.failures.push(message);
  report.ok = report.failures.length === 0;
  writeReport(OUT, report);
  log(`report: ${join("rehearsal", "report.md")} (${report.ok ? "PASSED" : "FAILED"}, ${report.seconds} s)`);
}

if (require.main === module) {
  const context = new RehearsalContext(process.argv.includes(NO_DESTROY));
  void runRehearsal({ report: context.report, finish: () => finish(context) }, () =>
    runSteps(context, STEPS),
  );
}
