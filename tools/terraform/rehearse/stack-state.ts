/** What a stack's Terraform working copy holds: its state and its saved plans. */
import type { RehearsalContext } from "./context";
import type { PlanJson, Terraform } from "./terraform";

/** Managed resources in the state (data sources aside); 0 when there is no state. */
export async function managedResources(context: RehearsalContext, terraform: Terraform): Promise<number> {
  const run = await context.track(terraform.start(["state", "list"]));
  if (run.exitCode !== 0) return 0;
  return run.stdout.split("\n").filter((line) => line && !line.startsWith("data.")).length;
}

export async function tableAddresses(context: RehearsalContext, terraform: Terraform): Promise<string[]> {
  const run = await context.track(terraform.start(["state", "list"]));
  return run.stdout.split("\n").filter((line) => line.startsWith("aws_dynamodb_table."));
}

export async function showPlan(
  context: RehearsalContext,
  terraform: Terraform,
  planFile: string,
): Promise<PlanJson> {
  const run = await context.track(terraform.start(["show", "-json", planFile]));
  if (run.exitCode !== 0) throw new Error(`terraform show -json ${planFile} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as PlanJson;
}
