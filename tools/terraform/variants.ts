/**
 * The settings `npm run test:terraform` plans besides the stock ones: every setting that adds or removes
 * resources (or changes what alarms notify), all in one variant to keep the run short; each one touches
 * other resources, so the tests tell their effects apart. `npm run plan -- --variant NAME` synthesizes
 * with the stock settings plus these (any CQRS_* or AWS_REGION of the caller's environment is ignored
 * then), so that what is planned is reproducible.
 */
export const VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  default: {},
  "every-option": {
    CQRS_API_AUTH: "api_key",
    CQRS_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:x",
    CQRS_API_ACCESS_LOGS: "off",
    CQRS_WAF: "true",
    CQRS_SETUP_API_GATEWAY_ROLE: "false",
    CQRS_SETUP_STATE_BUCKET: "false",
  },
};

/** The umasks the zip test synthesizes under: group-writable and not. */
export const UMASKS = ["0002", "0022"] as const;
