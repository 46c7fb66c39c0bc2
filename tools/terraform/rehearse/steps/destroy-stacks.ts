import { ACCOUNT_SETUP_STACK_NAME } from "../../../../stacks/account-setup-stack";
import type { RehearsalContext, RehearsalStep } from "../context";
import { forgetUndeletable } from "../gaps";
import type { StackResult } from "../report";
import { managedResources } from "../stack-state";
import { deleteStateBucket, removeApplicationState } from "../state-bucket";
import { changeSummary, errorDiagnostics, type Terraform } from "../terraform";

export const NO_DESTROY = "--no-destroy";

/** Why the teardown steps do not run: --no-destroy leaves the stacks to moto's exit. */
export function destroySkipped(context: RehearsalContext): string | undefined {
  return context.report.destroySkipped
    ? `${NO_DESTROY}: npm run rehearse:cli rehearses the documented teardown`
    : undefined;
}

/**
 * The application stacks share nothing but the state bucket: destroyed side by side (the provider
 * waits minutes for each queue deletion), then their state files, then account-setup, then the state
 * bucket if the rehearsal made it.
 */
export const destroyStacks: RehearsalStep = {
  name: "destroy",
  skipped: destroySkipped,
  async run(context) {
    const applications = context.deployed.filter((d) => d.result.name !== ACCOUNT_SETUP_STACK_NAME);
    await Promise.all(applications.map(({ result, terraform }) => destroy(context, result, terraform)));
    const setup = context.deployed.find((d) => d.result.name === ACCOUNT_SETUP_STACK_NAME);
    if (setup) {
      await removeApplicationState(
        context,
        context.deployed.map((d) => d.result),
      );
      await destroy(context, setup.result, setup.terraform);
    }
    if (context.bucketMadeHere) await deleteStateBucket(context);
  },
};

async function destroy(context: RehearsalContext, result: StackResult, terraform: Terraform): Promise<void> {
  if (!result.steps.some((s) => s.name === "init" && s.ok)) return;
  await forgetUndeletable(context, result, terraform);
  const run = await context.terraformStep(
    result,
    terraform,
    "destroy",
    ["destroy", "-auto-approve", "-input=false", "-json"],
    (destroyRun) => {
      const counts = changeSummary(destroyRun.stdout);
      const errors = errorDiagnostics(destroyRun.stdout);
      result.errors.push(...errors);
      return {
        ok: destroyRun.exitCode === 0,
        summary: `${counts ? `${counts.remove} destroyed` : "no summary"}; ${errors.length} errors`,
      };
    },
  );
  result.resourcesAfterDestroy = await managedResources(context, terraform);
  result.destroyed = run.exitCode === 0 && result.resourcesAfterDestroy === 0;
}
