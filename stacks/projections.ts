import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ACCOUNT_SETUP_STACK_NAME, AccountSetupStack } from "./account-setup-stack";
import type { ProjectConfig } from "./config";
import { DIRECT_STACK_NAME, DirectProjectionStack } from "./direct-projection-stack";
import type { ProjectionStack } from "./projection-stack";
import { QUEUED_STACK_NAME, QueuedProjectionStack } from "./queued-projection-stack";

/**
 * One projection pattern: a stack that projects the details stream into the summary table its own way.
 * Everything that enumerates the patterns (the app, the checkov scan, the local runtime and its CLI, demo,
 * verify, bench, the rehearsals) reads this list; a new pattern is one entry here plus its stack and handlers.
 */
export interface ProjectionPattern {
  /** Stack name: its folder under cdktf.out/stacks, its Terraform state key and its `stack` tag. */
  readonly stackName: string;
  /** Short name: in resource names (`cqrs-<short>-<environment>`) and the local runtime's flags. */
  readonly shortName: string;
  /** The design in a few words, shown next to the stack's name by `npm start` and the demo report. */
  readonly label: string;
  /** API port of the local runtime unless `localPortVariable` or `--<short>-port` says otherwise. */
  readonly localPort: number;
  readonly localPortVariable: string;
  /** Setting of the summary table's write capacity: the demo and the bench set it. */
  readonly summaryWriteCapacityVariable: string;
  readonly createStack: (scope: Construct, config: ProjectConfig) => ProjectionStack;
}

export const PROJECTION_PATTERNS: readonly ProjectionPattern[] = [
  {
    stackName: DIRECT_STACK_NAME,
    shortName: "direct",
    label: "stream -> project-summary -> summary table",
    localPort: 4010,
    localPortVariable: "CQRS_LOCAL_DIRECT_PORT",
    summaryWriteCapacityVariable: "CQRS_DIRECT_SUMMARY_WCU",
    createStack: (scope, config) => new DirectProjectionStack(scope, config),
  },
  {
    stackName: QUEUED_STACK_NAME,
    shortName: "queued",
    label: "stream -> forward-to-queue -> SQS -> apply-summary -> summary table",
    localPort: 4020,
    localPortVariable: "CQRS_LOCAL_QUEUED_PORT",
    summaryWriteCapacityVariable: "CQRS_QUEUED_SUMMARY_WCU",
    createStack: (scope, config) => new QueuedProjectionStack(scope, config),
  },
];

/** Names of the projection stacks, in registry order. */
export const PROJECTION_STACK_NAMES: readonly string[] = PROJECTION_PATTERNS.map(
  (pattern) => pattern.stackName,
);

/** Every stack of the app, in synthesis order: account-setup, then one per projection pattern. */
export const ALL_STACK_NAMES: readonly string[] = [ACCOUNT_SETUP_STACK_NAME, ...PROJECTION_STACK_NAMES];

export function projectionPattern(stackName: string): ProjectionPattern {
  const pattern = PROJECTION_PATTERNS.find((candidate) => candidate.stackName === stackName);
  if (!pattern) {
    throw new Error(
      `"${stackName}" is no projection stack: the projection stacks are ${PROJECTION_STACK_NAMES.join(", ")}`,
    );
  }
  return pattern;
}

/** Adds every stack of the app to `scope`: account-setup, then one per projection pattern. */
export function addStacks(scope: Construct, config: ProjectConfig): TerraformStack[] {
  return [
    new AccountSetupStack(scope, config),
    ...PROJECTION_PATTERNS.map((pattern) => pattern.createStack(scope, config)),
  ];
}
