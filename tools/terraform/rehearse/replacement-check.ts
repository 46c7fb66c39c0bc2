import type { RehearsalContext } from "./context";
import type { StackResult, TableReplacement } from "./report";
import { lastLines } from "./runner";
import { showPlan } from "./stack-state";
import type { Terraform } from "./terraform";

/** A forced table replacement must delete the old table before creating the new one. */
export async function replacementCheck(
  context: RehearsalContext,
  result: StackResult,
  terraform: Terraform,
  address: string,
  targets: string[],
): Promise<void> {
  const planFile = `replace-${address.replace(/[^A-Za-z0-9_-]/g, "_")}.tfplan`;
  const replacement: TableReplacement = { stack: result.name, address, actions: [] };
  context.report.tableReplacements.push(replacement);
  const plan = await context.terraformStep(
    result,
    terraform,
    `replace ${address}`,
    ["plan", `-replace=${address}`, "-input=false", "-no-color", `-out=${planFile}`, ...targets],
    (run) => ({ ok: run.exitCode === 0, summary: run.exitCode === 0 ? "planned" : lastLines(run.stderr) }),
  );
  if (plan.exitCode !== 0) return;
  const change = (await showPlan(context, terraform, planFile)).resource_changes?.find(
    (rc) => rc.address === address,
  );
  replacement.actions = change?.change.actions ?? [];
  const ordered = JSON.stringify(replacement.actions) === JSON.stringify(["delete", "create"]);
  result.steps.push({
    name: `replace order ${address}`,
    ok: ordered,
    seconds: 0,
    summary: JSON.stringify(replacement.actions),
  });
  if (!ordered) {
    context.fail(
      `${result.name}: ${address} would be replaced ${JSON.stringify(replacement.actions)}, not delete-before-create`,
    );
  }
}
