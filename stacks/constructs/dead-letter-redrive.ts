import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { grant, type PolicyStatement } from "./iam";
import { keyUseStatements } from "./key-use";

/**
 * What a DLQ redrive (`StartMessageMoveTask`, and the console's "Start DLQ redrive") needs on the dead-letter
 * queue, plus listing and cancelling its tasks; the move sends to the destination with the caller's own
 * permissions, so the caller also needs sqs:SendMessage there
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
 */
export const REDRIVE_SOURCE_ACTIONS = [
  "sqs:CancelMessageMoveTask",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:ListMessageMoveTasks",
  "sqs:ReceiveMessage",
  "sqs:StartMessageMoveTask",
] as const;

export interface DeadLetterRedriveRoleProps {
  readonly roleName: string;
  /** Partition of the region (`aws`, `aws-cn`, ...). */
  readonly partition: string;
  readonly deadLetterQueue: SqsQueue;
  /** Where redriven messages go: the queue whose redrive policy fills the DLQ. */
  readonly destinationQueue: SqsQueue;
  /** Customer managed key of both queues, when configured. */
  readonly kmsKeyArn?: string;
}

/**
 * A role that may redrive the DLQ into its source queue and nothing else. Principals of the same account
 * assume it when their own IAM policies allow `sts:AssumeRole` on it (the account is the trusted principal,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html). The destination queue's
 * policy must let this role send: see QueueWithDeadLetter.sendOnlyFrom.
 */
export class DeadLetterRedriveRole extends Construct {
  public readonly role: IamRole;
  public readonly permissions: IamRolePolicy;

  constructor(scope: Construct, id: string, props: DeadLetterRedriveRoleProps) {
    super(scope, id);
    // The account id is the fifth field of the queue's ARN: no data source, no API call at plan time. A local
    // keeps the expression's quotes out of the policy's JSON text.
    const account = new TerraformLocal(
      this,
      "account-id",
      Fn.element(Fn.split(":", props.deadLetterQueue.arn), 4),
    ).asString;
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Redrives the summary-updates DLQ into summary-updates (sqs start-message-move-task)",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:${props.partition}:iam::${account}:root` },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    });
    const statements: PolicyStatement[] = [
      { actions: REDRIVE_SOURCE_ACTIONS, resources: [props.deadLetterQueue.arn] },
      { actions: ["sqs:SendMessage"], resources: [props.destinationQueue.arn] },
      // Receiving from the DLQ decrypts; sending into the destination encrypts and decrypts (same key).
      ...keyUseStatements(props.kmsKeyArn, ["sqs-receive", "sqs-send"]),
    ];
    this.permissions = grant(this, "redrive", this.role, statements);
  }
}
