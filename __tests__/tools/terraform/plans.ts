import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** What `terraform show -json` says of a plan, as far as these tests read it. */
export interface PlanJson {
  terraform_version: string;
  resource_changes: {
    address: string;
    type: string;
    change: { actions: string[]; after: Record<string, unknown> };
  }[];
}

const VARIANTS_DIR = path.resolve(__dirname, "..", "..", "..", "plans", "variants");

/** The plans of one variant as `npm run plan -- --variant …` wrote them, keyed by stack; throws if absent. */
export function plansOf(label: string): Record<string, PlanJson> {
  const dir = path.join(VARIANTS_DIR, label);
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith(".json")) : [];
  if (files.length === 0) {
    throw new Error(
      `no plans in ${dir}: run \`npm run test:terraform\` (it plans every variant before these tests)`,
    );
  }
  return Object.fromEntries(
    files.map((file) => [
      file.replace(/\.json$/, ""),
      JSON.parse(readFileSync(path.join(dir, file), "utf8")),
    ]),
  );
}

/** Planned resource changes of one type, keyed by address. */
export function changesOfType(plan: PlanJson, type: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    (plan.resource_changes ?? []).filter((rc) => rc.type === type).map((rc) => [rc.address, rc.change.after]),
  );
}

export function addresses(plan: PlanJson): string[] {
  return (plan.resource_changes ?? []).map((rc) => rc.address).sort();
}
