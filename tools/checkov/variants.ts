/**
 * The settings every stack is scanned with: the defaults, every auth mode, the optional WAF, and the
 * settings that change only security-relevant attributes. Add a variant here when such a setting appears.
 */
export interface ScanVariant {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A syntactically valid key ARN in the default region; synthesis never calls AWS. */
export const EXAMPLE_KMS_KEY_ARN =
  "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

export const SCAN_VARIANTS: readonly ScanVariant[] = [
  { name: "default", env: {} },
  { name: "api-key", env: { CQRS_API_AUTH: "api_key" } },
  { name: "no-auth", env: { CQRS_API_AUTH: "none" } },
  { name: "waf", env: { CQRS_WAF: "true" } },
  { name: "access-logs-off", env: { CQRS_API_ACCESS_LOGS: "off" } },
  { name: "customer-managed-key", env: { CQRS_KMS_KEY_ARN: EXAMPLE_KMS_KEY_ARN } },
  { name: "production", env: { CQRS_ENVIRONMENT: "prod" } },
];
