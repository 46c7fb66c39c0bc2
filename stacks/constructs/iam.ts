import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import { ConfigError } from "../config";

export interface PolicyStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** IAM's limit on a role name (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/**
 * The name of a role used in one region. IAM names are global to the account, so every role name ends in
 * its region: the same environment deployed in two regions of one account gets disjoint names.
 */
export function regionalRoleName(baseName: string, region: string): string {
  const name = `${baseName}-${region}`;
  if (name.length > IAM_ROLE_NAME_MAX_LENGTH) {
    throw new ConfigError(
      `IAM role name ${name} is ${name.length} characters, IAM allows ${IAM_ROLE_NAME_MAX_LENGTH}: use a shorter CQRS_ENVIRONMENT`,
    );
  }
  return name;
}

/** An IAM policy document as JSON text; Terraform resolves the references inside it. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Effect: "Allow",
      Action: [...s.actions],
      Resource: [...s.resources],
    })),
  });
}

/** A role only the given AWS service may assume. */
export function serviceRole(scope: Construct, id: string, name: string, service: string): IamRole {
  return new IamRole(scope, id, {
    name,
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    }),
  });
}

/** Attaches one inline policy with exactly these statements to the role. */
export function grant(
  scope: Construct,
  id: string,
  role: IamRole,
  statements: readonly PolicyStatement[],
): IamRolePolicy {
  return new IamRolePolicy(scope, id, {
    name: id,
    role: role.id,
    policy: policyDocument(statements),
  });
}
