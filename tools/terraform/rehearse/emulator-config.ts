/*
 * How a working copy of a synthesized stack is pointed at the AWS emulator without touching the stack:
 * a Terraform override file for the provider (merged over the stack's own `provider "aws"` block, so
 * region and default tags stay the stack's) and a backend configuration file for `terraform init`.
 */

/** Every AWS service the stacks' resources and the provider's own calls (sts) reach. */
export const EMULATED_SERVICES = [
  "apigateway",
  "cloudwatch",
  "dynamodb",
  "iam",
  "kms",
  "lambda",
  "logs",
  "s3",
  "sns",
  "sqs",
  "sts",
  "wafv2",
] as const;

export const EMULATOR_CREDENTIALS = { accessKey: "rehearsal", secretKey: "rehearsal" } as const;
export const REGION = "us-east-1";
/** The bucket the stacks' S3 backend is synthesized with, and that account-setup creates. */
export const STATE_BUCKET = "cqrs-projections-rehearsal-tfstate";

/** Name of the override file: Terraform merges `*_override.tf.json` over the rest of the directory. */
export const PROVIDER_OVERRIDE_FILE = "emulator_override.tf.json";
export const BACKEND_CONFIG_FILE = "emulator.s3.tfbackend";

/**
 * The AWS provider settings that send every call to the emulator, with dummy credentials.
 *
 * The account id comes from the emulator's sts:GetCallerIdentity (moto: 123456789012), so that ARNs the
 * provider builds itself (API Gateway execution ARNs, for one) are well formed, except in a stack with
 * S3 buckets: knowing the account id, the provider lists a bucket's tags through S3 Control at
 * `<account>.s3-control.<region>.amazonaws.com`, a host a loopback endpoint cannot stand for (the SDK
 * prefixes the account id to it); without it, the provider reads them with S3 GetBucketTagging.
 */
export function providerOverride(endpoint: string, hasS3Buckets: boolean): object {
  return {
    provider: {
      aws: [
        {
          access_key: EMULATOR_CREDENTIALS.accessKey,
          secret_key: EMULATOR_CREDENTIALS.secretKey,
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          skip_requesting_account_id: hasS3Buckets,
          s3_use_path_style: true,
          // Fail fast instead of retrying for minutes when the emulator rejects a call.
          max_retries: 2,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
        },
      ],
    },
  };
}

/** `-backend-config` file: the stack's S3 backend, on the emulator's S3, in `bucket`. */
export function s3BackendConfig(endpoint: string, bucket: string): string {
  return [
    `bucket = "${bucket}"`,
    `endpoints = { s3 = "${endpoint}", sts = "${endpoint}" }`,
    "use_path_style = true",
    "skip_credentials_validation = true",
    "skip_requesting_account_id = true",
    "skip_metadata_api_check = true",
    "skip_region_validation = true",
    `access_key = "${EMULATOR_CREDENTIALS.accessKey}"`,
    `secret_key = "${EMULATOR_CREDENTIALS.secretKey}"`,
    "",
  ].join("\n");
}
