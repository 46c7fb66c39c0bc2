import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { buildSync } from "esbuild";
import { ZIP_NAME, zipBundle } from "./bundle-zip";
import { grant, type PolicyStatement, serviceRole } from "./iam";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Lambda runtime and the Node.js version esbuild targets (the oldest Node that must run the bundle: local Node 20). */
export const LAMBDA_RUNTIME = "nodejs24.x";
export const BUNDLE_TARGET = "node20";

/**
 * What active tracing needs: the two actions of AWSXRayDaemonWriteAccess that Lambda uses
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). They support no resource-level
 * permissions, hence `*` (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
 */
export const XRAY_TRACING: PolicyStatement = {
  actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
  resources: ["*"],
};

export interface BundledFunctionProps {
  /** Folder under `functions/` holding `index.ts` that exports `handler`. */
  readonly entry: string;
  /** Full function name, e.g. `cqrs-direct-dev-project-summary`. */
  readonly functionName: string;
  /** Name of its execution role: account-global, so region-unique (`regionalRoleName`). */
  readonly roleName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** @default 256 */
  readonly memorySizeMb?: number;
  readonly logRetentionDays: number;
  /** Exactly what the function's own code calls; logging and tracing permissions are added here. */
  readonly permissions: readonly PolicyStatement[];
}

/**
 * Bundles the handler with esbuild into `.bundles/<entry>/index.js` and zips it next to it
 * (`function.zip`); returns that folder and the zip's `source_code_hash`.
 */
export function bundleHandler(entry: string): { dir: string; sourceCodeHash: string } {
  const outdir = path.join(PROJECT_ROOT, ".bundles", entry);
  buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.join("functions", entry, "index.ts")],
    outfile: path.join(outdir, "index.js"),
    bundle: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    // The SDK's ES module builds let esbuild drop what the handler never calls: a third smaller and
    // faster to initialise than its CommonJS builds (npm run bench, docs/benchmarks.md).
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "error",
  });
  return { dir: outdir, sourceCodeHash: zipBundle(outdir) };
}

/**
 * A TypeScript handler bundled and zipped at synth time (the same zip on every machine), with its own role
 * (only the actions it uses) and its own log group with retention.
 */
export class BundledFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  /** The policy holding what the function's own code calls (and its logging). */
  public readonly permissions: IamRolePolicy;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);

    const { dir, sourceCodeHash } = bundleHandler(props.entry);
    const bundle = new TerraformAsset(this, "bundle", { path: dir, type: AssetType.DIRECTORY });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = serviceRole(this, "role", props.roleName, "lambda.amazonaws.com");
    this.permissions = grant(this, "permissions", this.role, [
      { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] },
      XRAY_TRACING,
      ...props.permissions,
    ]);

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: `\${path.module}/${bundle.path}/${ZIP_NAME}`,
      sourceCodeHash,
      timeout: props.timeoutSeconds,
      memorySize: props.memorySizeMb ?? 256,
      environment: { variables: { ...props.environment } },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      tracingConfig: { mode: "Active" },
      dependsOn: [this.logGroup],
    });
  }

  /** Adds permissions the function's event source mapping needs (e.g. reading a stream). */
  public grant(id: string, statements: readonly PolicyStatement[]): IamRolePolicy {
    return grant(this, id, this.role, statements);
  }
}
