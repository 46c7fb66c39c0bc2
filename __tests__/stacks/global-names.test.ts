/**
 * One environment in two regions of one account: names that are global to the account (IAM) must not collide,
 * and every resource type the stacks create is classified, so that a new global one cannot slip in unnoticed.
 */
import { IAM_ROLE_NAME_MAX_LENGTH } from "../../stacks/constructs/iam";
import {
  defaultConfig,
  synthAccountSetup,
  synthDirect,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

/** Types whose name is unique per account (or, for S3, worldwide), and the attribute holding it. */
const GLOBAL_NAME_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_iam_role: "name",
  aws_s3_bucket: "bucket",
};

/** Types whose names are scoped to a region, or that have no name of their own (attachments, settings). */
const REGIONAL_OR_UNNAMED = new Set([
  "aws_api_gateway_account",
  "aws_api_gateway_api_key",
  "aws_api_gateway_deployment",
  "aws_api_gateway_gateway_response",
  "aws_api_gateway_integration",
  "aws_api_gateway_integration_response",
  "aws_api_gateway_method",
  "aws_api_gateway_method_response",
  "aws_api_gateway_method_settings",
  "aws_api_gateway_model",
  "aws_api_gateway_request_validator",
  "aws_api_gateway_resource",
  "aws_api_gateway_rest_api",
  "aws_api_gateway_stage",
  "aws_api_gateway_usage_plan",
  "aws_api_gateway_usage_plan_key",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_metric_alarm",
  "aws_dynamodb_table",
  // Inline policy names are scoped to their role.
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_lambda_event_source_mapping",
  "aws_lambda_function",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_sqs_queue",
  "aws_sqs_queue_policy",
  "aws_sqs_queue_redrive_allow_policy",
  "aws_wafv2_web_acl",
  "aws_wafv2_web_acl_association",
  "aws_wafv2_web_acl_logging_configuration",
]);

/** Every option that adds resources, in a region. */
function everyOption(region: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: region,
    CQRS_WAF: "true",
    CQRS_API_AUTH: "api_key",
    CQRS_KMS_KEY_ARN: `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    CQRS_ALARM_TOPIC_ARN: `arn:aws:sns:${region}:111122223333:oncall`,
    ...extra,
  };
}

function allStacks(env: Record<string, string>): TerraformJson[] {
  const config = defaultConfig(env);
  return [synthDirect(config).json, synthQueued(config).json, synthAccountSetup(config).json];
}

function globalNames(stacks: TerraformJson[]): string[] {
  return stacks.flatMap((json) =>
    Object.entries(GLOBAL_NAME_ATTRIBUTE).flatMap(([type, attribute]) =>
      Object.values(json.resource[type] ?? {}).map((resource) => `${type}:${resource[attribute] as string}`),
    ),
  );
}

test("every resource type is classified as account-global or not", () => {
  const types = new Set(allStacks(everyOption("us-east-1")).flatMap((json) => Object.keys(json.resource)));
  const unclassified = [...types].filter(
    (type) => !(type in GLOBAL_NAME_ATTRIBUTE) && !REGIONAL_OR_UNNAMED.has(type),
  );
  expect(unclassified).toEqual([]);
});

test("one environment in two regions: disjoint IAM role names (the state bucket is created once, in one region)", () => {
  const first = globalNames(allStacks(everyOption("us-east-1")));
  // The second region's account-setup finds the state bucket in place (CQRS_SETUP_STATE_BUCKET=false, README).
  const second = globalNames(allStacks(everyOption("eu-west-1", { CQRS_SETUP_STATE_BUCKET: "false" })));
  expect(first.filter((name) => name.startsWith("aws_iam_role:")).length).toBeGreaterThanOrEqual(5);
  expect(first.filter((name) => second.includes(name))).toEqual([]);
  expect(new Set(first).size).toBe(first.length);
});

test("the longest environment in a long region keeps every role name within IAM's limit", () => {
  const longest = globalNames(allStacks(everyOption("ap-southeast-2", { CQRS_ENVIRONMENT: "a".repeat(16) })));
  const roles = longest.filter((name) => name.startsWith("aws_iam_role:")).map((name) => name.split(":")[1]);
  for (const role of roles) expect(role.length).toBeLessThanOrEqual(IAM_ROLE_NAME_MAX_LENGTH);
  expect(Math.max(...roles.map((role) => role.length))).toBeGreaterThan(50);
});

test("a name beyond IAM's limit stops synthesis with the reason", () => {
  expect(() =>
    synthQueued(defaultConfig({ AWS_REGION: "us-isob-northeast-1", CQRS_ENVIRONMENT: "a".repeat(16) })),
  ).toThrow(
    /IAM role name cqrs-queued-a{16}-forward-to-queue-us-isob-northeast-1 is 65 characters, IAM allows 64/,
  );
});

test("one environment in two regions keeps two states in one bucket", () => {
  const keyOf = (region: string) =>
    synthDirect(defaultConfig({ AWS_REGION: region, CQRS_STATE_REGION: "us-east-1" })).json.terraform.backend
      .s3.key;
  expect(keyOf("us-east-1")).toBe("cqrs-projections/dev/us-east-1/direct-projection.tfstate");
  expect(keyOf("eu-west-1")).toBe("cqrs-projections/dev/eu-west-1/direct-projection.tfstate");
});
