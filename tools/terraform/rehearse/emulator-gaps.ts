/**
 * APIs moto lacks that a resource of the stacks needs (docs/aws-emulator-gaps.md). The rehearsal probes
 * each gap directly against the running emulator first; while the probe confirms it, the resources of
 * that type are left out of apply and plans with `-target` of every other resource (or, for an argument
 * the emulator drops, its second-plan update is recorded as drift), and recorded in the report. A gap
 * the probe no longer finds is not worked around: the apply and the second plan then show whether it closed.
 */
export interface EmulatorGapSpec {
  /** Key of the probe in aws_emulator.py (probe-gaps). */
  probe: string;
  resourceType: string;
  api: string;
  /**
   * Set when the emulator creates the resource but drops or rewrites this argument: the resource is
   * applied, and a second plan's in-place update of exactly this argument is recorded as emulator
   * drift, not a change. Unset: the resource cannot be created at all and is left out with -target.
   */
  driftingArgument?: string;
  /**
   * Set when the emulator creates the resource but fails to delete (reset) it: before destroy, the
   * resource is taken out of the state with `terraform state rm` and recorded, and what it leaves in the
   * emulator (`inventoryKey` of aws_emulator.py's inventory) is not counted as left behind.
   */
  keptOnDestroy?: { inventoryKey: string };
  /**
   * Set when the emulator applies the resource and reads it back, but then refuses what the stacks after
   * it need (moto denies every object request to a bucket under a conditional Deny, so no state file could
   * be read): once the stack that owns it has been applied and planned again, the rehearsal deletes it from
   * the emulator with this aws_emulator.py command on the state bucket, and records it; the destroy's
   * refresh then finds it gone.
   */
  liftedAfterApply?: { helperCommand: "delete-bucket-policy" };
  /**
   * Set when the emulator loses this resource once another gap's drift is applied (only `cdktf deploy` of an
   * applied stack applies drift: the CLI rehearsal): a later plan's `create` of it is recorded as emulator drift.
   */
  lostWhenDriftApplied?: true;
  /** Set when no step of the rehearsals makes the failing call: recorded and probed only, with why. */
  avoided?: string;
  /** What goes wrong with the real provider when the resource is not excluded. */
  symptom: string;
}

/** What the rehearsal does with the resources of a confirmed gap. */
export type GapHandling =
  | "excluded"
  | "drift recorded"
  | "removed from state before destroy"
  | "lifted after apply"
  | "re-created after drift is applied"
  | "avoided";

export function gapHandling(gap: EmulatorGapSpec): GapHandling {
  if (gap.driftingArgument) return "drift recorded";
  if (gap.keptOnDestroy) return "removed from state before destroy";
  if (gap.liftedAfterApply) return "lifted after apply";
  if (gap.lostWhenDriftApplied) return "re-created after drift is applied";
  if (gap.avoided) return "avoided";
  return "excluded";
}

export const EMULATOR_GAPS: readonly EmulatorGapSpec[] = [
  {
    probe: "cloudwatch-cbor",
    resourceType: "aws_cloudwatch_metric_alarm",
    api: "CloudWatch PutMetricAlarm/DescribeAlarms in the Smithy RPC v2 CBOR protocol",
    symptom:
      "operation error CloudWatch: PutMetricAlarm, deserialization failed, unexpected smithy-protocol response header '' (HTTP status: 404 NOT FOUND)",
  },
  {
    probe: "sqs-redrive-allow-policy",
    resourceType: "aws_sqs_queue_redrive_allow_policy",
    api: "SQS queue attribute RedriveAllowPolicy (SetQueueAttributes ignores it, GetQueueAttributes refuses it)",
    symptom:
      "apply waits at 'Still creating...' until the provider's timeout: the attribute never reads back",
  },
  {
    probe: "lambda-logging-config",
    resourceType: "aws_lambda_function",
    api: "Lambda CreateFunction/GetFunctionConfiguration LoggingConfig (moto stores and returns none)",
    driftingArgument: "logging_config",
    symptom: "every plan after apply updates logging_config in place (+ log_format, + log_group)",
  },
  {
    probe: "sqs-redrive-policy-format",
    resourceType: "aws_sqs_queue",
    api: "SQS GetQueueAttributes RedrivePolicy (moto returns the JSON re-serialized, with spaces)",
    driftingArgument: "redrive_policy",
    symptom: "every plan after apply updates redrive_policy in place: jsonencode( # whitespace changes",
  },
  {
    probe: "apigateway-account-reset",
    resourceType: "aws_api_gateway_account",
    api: "API Gateway UpdateAccount replacing /cloudwatchRoleArn with no value (moto answers HTTP 500)",
    keptOnDestroy: { inventoryKey: "apigateway_account_cloudwatch_role" },
    symptom:
      "destroy fails: deserialization failed, failed to decode response body, invalid character '<' (moto's HTML error page)",
  },
  {
    probe: "s3-create-bucket-tags",
    resourceType: "aws_s3_bucket",
    api: "S3 CreateBucket with CreateBucketConfiguration.Tags (moto reads only LocationConstraint and drops the tags)",
    driftingArgument: "tags_all",
    symptom: 'every plan after apply updates tags_all in place (+ "project", + "stack": the default tags)',
  },
  {
    probe: "s3-conditional-deny",
    resourceType: "aws_s3_bucket_policy",
    api: "S3 bucket policy evaluation (moto treats a Deny whose condition does not hold as a Deny, and knows no aws:SecureTransport)",
    liftedAfterApply: { helperCommand: "delete-bucket-policy" },
    symptom:
      "terraform init of every stack with its state in the bucket: HeadObject, StatusCode: 403, api error Forbidden (the TLS-only policy denies every object request)",
  },
  {
    probe: "sqs-set-attributes-policy",
    resourceType: "aws_sqs_queue_policy",
    api: "SQS SetQueueAttributes without a Policy attribute (moto erases the queue's policy)",
    lostWhenDriftApplied: true,
    symptom:
      "a deploy that applies the redrive_policy drift deletes the work queue's policy; the next plan re-creates aws_sqs_queue_policy",
  },
  {
    probe: "s3-delete-version-suspended",
    resourceType: "aws_s3_bucket_versioning",
    api: "S3 DeleteObject of a version after bucket versioning was suspended (moto answers HTTP 500)",
    avoided:
      "the teardown empties the state bucket while versioning is still enabled; destroying aws_s3_bucket_versioning suspends it only afterwards",
    symptom:
      "deleting the state bucket's versions after a destroy suspended versioning: HTTP 500 ('FakeDeleteMarker' object has no attribute 'dispose')",
  },
];
