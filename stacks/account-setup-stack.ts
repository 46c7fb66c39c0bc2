import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ProjectConfig, StateBackendSettings } from "./config";
import { ApiGatewayCloudwatchRole } from "./constructs/api-gateway-cloudwatch-role";
import { regionalRoleName } from "./constructs/iam";
import { currentPartition } from "./constructs/partition";
import { useS3StateBackend } from "./constructs/state-backend";
import { StateBucket } from "./constructs/state-bucket";
import { ACCOUNT_SETUP_OUTPUTS } from "./outputs";
import { PROJECT_TAG, REQUIRED_TERRAFORM_VERSION } from "./projection-stack";

export const ACCOUNT_SETUP_STACK_NAME = "account-setup";

/** The local state file of account-setup's first deploy: in the directory holding `cdktf.out`. */
export const ACCOUNT_SETUP_LOCAL_STATE_FILE = "terraform.account-setup.tfstate";

/**
 * The same file as Terraform reads it from the stack's directory (`<outdir>/stacks/account-setup`): beside the
 * generated output, so that `rm -rf cdktf.out` or a fresh synth cannot lose it. Relative, so that synthesis
 * stays the same on every machine (CDKTF's default would embed the absolute working directory).
 */
export const ACCOUNT_SETUP_LOCAL_STATE = `../../../${ACCOUNT_SETUP_LOCAL_STATE_FILE}`;

/** Where account-setup keeps its state once moved to the bucket: one object per region. */
export function accountSetupStateKey(settings: StateBackendSettings, region: string): string {
  return `${settings.keyPrefix}/${ACCOUNT_SETUP_STACK_NAME}/${region}.tfstate`;
}

/**
 * What an account needs once per region before the application stacks can be deployed there: the
 * API Gateway CloudWatch Logs role (without it a stage with access logs cannot be created) and the
 * bucket holding every stack's Terraform state. Deploy it first; the application stacks never manage either.
 */
export class AccountSetupStack extends TerraformStack {
  public readonly apiGatewayRole?: ApiGatewayCloudwatchRole;
  public readonly stateBucket?: StateBucket;

  constructor(scope: Construct, config: ProjectConfig) {
    super(scope, ACCOUNT_SETUP_STACK_NAME);
    const settings = config.accountSetup;

    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    if (settings.stateBackend === "s3") {
      useS3StateBackend(this, config.state, accountSetupStateKey(config.state, config.region));
    } else {
      new LocalBackend(this, { path: ACCOUNT_SETUP_LOCAL_STATE });
    }
    const tags = { project: PROJECT_TAG, stack: ACCOUNT_SETUP_STACK_NAME };
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags }] });
    const partition = currentPartition(this);

    if (settings.manageApiGatewayRole) {
      this.apiGatewayRole = new ApiGatewayCloudwatchRole(this, "api-gateway-logging", {
        roleName: regionalRoleName("cqrs-apigateway-cloudwatch", config.region),
        partition,
      });
      new TerraformOutput(this, ACCOUNT_SETUP_OUTPUTS.apiGatewayCloudwatchRoleArn, {
        value: this.apiGatewayRole.role.arn,
        description: "Role API Gateway uses to write access and execution logs in this region",
      });
    }

    if (settings.manageStateBucket) {
      this.stateBucket = new StateBucket(this, "state", {
        bucketName: config.state.bucket,
        region: config.state.region,
      });
      new TerraformOutput(this, ACCOUNT_SETUP_OUTPUTS.stateBucket, {
        value: this.stateBucket.bucket.bucket,
        description: "Bucket holding the Terraform state of every stack (CQRS_STATE_BUCKET)",
      });
    }
  }
}
