/**
 * The settings `npm run test:terraform` plans, each one a change that adds or removes resources.
 * `npm run plan -- --variant NAME` synthesizes with the stock settings plus these (any CQRS_* or
 * AWS_REGION of the caller's environment is ignored then), so that what is planned is reproducible.
 */
export const VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  default: {},
  "api-key": { CQRS_API_KEY_REQUIRED: "true" },
  "alarm-topic": { CQRS_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:x" },
};

/** The umasks the zip test synthesizes under (issue 8, finding 2): group-writable and not. */
export const UMASKS = ["0002", "0022"] as const;
