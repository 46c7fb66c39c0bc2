/*
 * What the rehearsal does about the emulator's confirmed gaps (emulator-gaps.ts, probed at the start):
 * resources left out, lifted after apply or forgotten before destroy, drift not counted, each recorded.
 */
import { log, type RehearsalContext } from "./context";
import { STATE_BUCKET } from "./emulator-config";
import { gapHandling } from "./emulator-gaps";
import type { EmulatorGap, RehearsalReport, StackResult } from "./report";
import type { RehearsedStack } from "./stacks";
import type { PendingChange, Terraform } from "./terraform";

type ProbedGap = RehearsalReport["gapProbes"][number];

export function recordConfirmedGap(
  context: RehearsalContext,
  stack: string,
  address: string,
  gap: ProbedGap,
): void {
  context.report.gaps.push({ stack, address, api: gap.api, error: gap.evidence, handling: gapHandling(gap) });
}

/** Resources of the stack left out of apply and plans (their type's gap was confirmed), recorded as gaps. */
export function excludedResources(context: RehearsalContext, stack: RehearsedStack): string[] {
  const excluded = stack.resources.filter((address) => context.excludedTypes.has(address.split(".")[0]));
  for (const address of excluded) {
    const gap = context.report.gapProbes.find((g) => g.resourceType === address.split(".")[0]);
    if (gap) recordConfirmedGap(context, stack.name, address, gap);
  }
  return excluded;
}

/**
 * Resources of the stack that a confirmed gap says block the stacks after it: applied and planned again
 * with the rest, then deleted from the emulator directly and recorded.
 */
export async function liftBlockingResources(
  context: RehearsalContext,
  stack: RehearsedStack,
  result: StackResult,
): Promise<void> {
  for (const gap of context.report.gapProbes.filter((g) => g.present && g.liftedAfterApply)) {
    const addresses = stack.resources.filter((address) => address.startsWith(`${gap.resourceType}.`));
    if (addresses.length === 0 || !gap.liftedAfterApply) continue;
    const command = gap.liftedAfterApply.helperCommand;
    await context.setupStep(
      `lift ${gap.resourceType} of ${stack.name}`,
      () => context.emulator([command, STATE_BUCKET]),
      () => `${command} ${STATE_BUCKET} (emulator gap: ${gap.api})`,
    );
    for (const address of addresses) recordConfirmedGap(context, result.name, address, gap);
  }
}

/** Resources a confirmed gap says the emulator cannot delete: out of the state before destroy, recorded. */
export async function forgetUndeletable(
  context: RehearsalContext,
  result: StackResult,
  terraform: Terraform,
): Promise<void> {
  const gaps = context.report.gapProbes.filter((g) => g.present && g.keptOnDestroy);
  if (gaps.length === 0) return;
  const state = await context.track(terraform.start(["state", "list"]));
  for (const gap of gaps) {
    for (const address of state.stdout
      .split("\n")
      .filter((line) => line.startsWith(`${gap.resourceType}.`))) {
      const removed = await context.track(terraform.start(["state", "rm", address]));
      log(`${result.name}: ${address} taken out of the state before destroy (emulator gap: ${gap.api})`);
      if (removed.exitCode !== 0) context.fail(`${result.name}: terraform state rm ${address} failed`);
      recordConfirmedGap(context, result.name, address, gap);
    }
  }
}

/** An in-place update of only an argument that a confirmed gap says the emulator drops. */
export function isEmulatorDrift(context: RehearsalContext, change: PendingChange): boolean {
  const dropped = context.report.gapProbes
    .filter((g) => g.present && g.resourceType === change.type && g.driftingArgument)
    .map((g) => g.driftingArgument);
  return (
    JSON.stringify(change.actions) === JSON.stringify(["update"]) &&
    change.arguments.length > 0 &&
    change.arguments.every((argument) => dropped.includes(argument))
  );
}

/** Errors of resources the emulator cannot serve: recorded as gaps (see docs/aws-emulator-gaps.md). */
export function recordApplyErrorGaps(
  context: RehearsalContext,
  stackName: string,
  result: StackResult,
): void {
  for (const error of result.errors) {
    const api = emulatorGapApi(error.detail);
    if (api && error.address) {
      const gap: EmulatorGap = {
        stack: stackName,
        address: error.address,
        api,
        error: firstLine(error.detail),
        handling: "apply error",
      };
      context.report.gaps.push(gap);
    }
  }
}

/** The API named by an emulator's "not implemented" answer, when the error is one. */
export function emulatorGapApi(detail: string): string | undefined {
  if (!/not (yet )?implemented|NotImplemented|InvalidAction|UnknownOperation/i.test(detail)) return undefined;
  return /operation error ([A-Za-z0-9 ]+?):/.exec(detail)?.[1] ?? "unknown API";
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
