import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { serviceRole } from "./iam";

export interface ApiGatewayCloudwatchRoleProps {
  /** Name of the role, unique in the account: IAM is global, the setting is per region. */
  readonly roleName: string;
  /** Partition of the region (`aws`, `aws-cn`, ...). */
  readonly partition: string;
}

/** AWS's managed policy for exactly this purpose: create log groups and streams, put events. */
export const PUSH_TO_CLOUDWATCH_POLICY = "iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

/**
 * The account-wide setting API Gateway needs before any stage in the region may write access or
 * execution logs: a role it assumes to push to CloudWatch Logs, recorded in `aws_api_gateway_account`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 */
export class ApiGatewayCloudwatchRole extends Construct {
  public readonly role: IamRole;
  public readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayCloudwatchRoleProps) {
    super(scope, id);
    this.role = serviceRole(this, "role", props.roleName, "apigateway.amazonaws.com");
    const attachment = new IamRolePolicyAttachment(this, "push-to-cloudwatch", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:${PUSH_TO_CLOUDWATCH_POLICY}`,
    });
    this.account = new ApiGatewayAccount(this, "account", {
      cloudwatchRoleArn: this.role.arn,
      dependsOn: [attachment],
    });
  }
}
