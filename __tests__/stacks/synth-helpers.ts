import { type App, Testing } from "cdktf";
import { AccountSetupStack } from "../../stacks/account-setup-stack";
import { loadConfig, type ProjectConfig } from "../../stacks/config";
import { DirectProjectionStack } from "../../stacks/direct-projection-stack";
import { QueuedProjectionStack } from "../../stacks/queued-projection-stack";

/** Terraform JSON of one synthesized stack, as a plain object. */
export type TerraformJson = {
  terraform: Record<string, unknown> & { backend: Record<string, Record<string, unknown>> };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string }>;
  locals?: Record<string, string>;
};

export function defaultConfig(env: Record<string, string> = {}): ProjectConfig {
  return loadConfig(env);
}

export function synthDirect(config: ProjectConfig = defaultConfig()): { text: string; json: TerraformJson } {
  const stack = new DirectProjectionStack(Testing.app() as App, config);
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

export function synthQueued(config: ProjectConfig = defaultConfig()): { text: string; json: TerraformJson } {
  const stack = new QueuedProjectionStack(Testing.app() as App, config);
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

export function synthAccountSetup(config: ProjectConfig = defaultConfig()): {
  text: string;
  json: TerraformJson;
} {
  const stack = new AccountSetupStack(Testing.app() as App, config);
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

/** Resources of one type, keyed by logical id. */
export function resources(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}

/** The single resource of a type whose logical id contains `part`. */
export function resourceNamed(json: TerraformJson, type: string, part: string): Record<string, unknown> {
  const matches = Object.entries(resources(json, type)).filter(([id]) => id.includes(part));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} matching "${part}", found ${matches.map(([id]) => id).join(", ")}`);
  }
  return matches[0][1];
}

/** The Terraform reference expression `${type.id.attribute}` of the resource whose id contains `part`. */
export function ref(json: TerraformJson, type: string, part: string, attribute: string): string {
  const id = Object.keys(resources(json, type)).find((key) => key.includes(part));
  if (!id) throw new Error(`no ${type} matching "${part}"`);
  return `\${${type}.${id}.${attribute}}`;
}

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
}

/** What active X-Ray tracing adds to every function's role. */
export const XRAY_STATEMENT: Statement = {
  Effect: "Allow",
  Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
  Resource: ["*"],
};

/** Statements in a stable order, so that policies can be compared whatever resource they came from. */
export function sortedStatements(statements: Statement[]): Statement[] {
  return [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Every statement granted to the role whose logical id contains `rolePart`, across its inline policies, sorted. */
export function statementsOfRole(json: TerraformJson, rolePart: string): Statement[] {
  const roleRef = ref(json, "aws_iam_role", rolePart, "id");
  return Object.values(resources(json, "aws_iam_role_policy"))
    .filter((policy) => policy.role === roleRef)
    .flatMap((policy) => (JSON.parse(policy.policy as string) as { Statement: Statement[] }).Statement)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
