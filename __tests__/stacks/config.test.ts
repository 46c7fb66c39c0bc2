import { readFileSync } from "node:fs";
import * as path from "node:path";
import { MAX_RECORDS_PER_WRITE } from "../../functions/summary/ledger";
import { largestWriteUnits } from "../../functions/summary/plan-write";
import { ConfigError, loadConfig, SETTINGS } from "../../stacks/config";

describe("loadConfig", () => {
  test("has a default for every setting", () => {
    const config = loadConfig({});
    expect(config.region).toBe("us-east-1");
    expect(config.state.region).toBe("us-east-1");
    expect(config.stream).toEqual({
      batchSize: 100,
      maximumBatchingWindowInSeconds: 1,
      maximumRetryAttempts: 5,
      maximumRecordAgeInSeconds: 3600,
    });
    expect(config.encryption).toEqual({ kmsKeyArn: undefined });
    expect(config.detailsDeletionProtection).toBe(false);
    expect(config.queue).toEqual({
      maxReceiveCount: 5,
      redriveRoleArns: [],
      batchSize: 500,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 2,
      streamBatchingWindowInSeconds: 5,
    });
    expect(config.direct).toEqual({ summaryReadCapacity: 2, summaryWriteCapacity: 2 });
    expect(config.queued).toEqual({ summaryReadCapacity: 2, summaryWriteCapacity: 5 });
  });

  test("the state region follows AWS_REGION unless set", () => {
    expect(loadConfig({ AWS_REGION: "eu-west-1" }).state.region).toBe("eu-west-1");
    expect(loadConfig({ AWS_REGION: "eu-west-1", CQRS_STATE_REGION: "us-west-2" }).state.region).toBe(
      "us-west-2",
    );
  });

  test.each([
    [
      "CQRS_STREAM_BATCH_SIZE",
      "10001",
      /CQRS_STREAM_BATCH_SIZE must be an integer from 1 to 10000, got "10001"/,
    ],
    ["CQRS_STREAM_BATCH_SIZE", "ten", /CQRS_STREAM_BATCH_SIZE must be an integer/],
    ["CQRS_QUEUE_MAX_CONCURRENCY", "1", /CQRS_QUEUE_MAX_CONCURRENCY must be an integer from 2 to 1000/],
    ["CQRS_LOG_RETENTION_DAYS", "10", /CQRS_LOG_RETENTION_DAYS must be one of 1, 3, 5/],
    ["AWS_REGION", "mars", /AWS_REGION must be an AWS region name/],
    ["CQRS_STATE_BUCKET", "Bad_Bucket", /CQRS_STATE_BUCKET must be a valid S3 bucket name/],
    ["CQRS_ENVIRONMENT", "Prod!", /CQRS_ENVIRONMENT must be 1-16 lowercase/],
    ["CQRS_STATE_KEY_PREFIX", "/abs", /CQRS_STATE_KEY_PREFIX must be a key prefix/],
    [
      "CQRS_STREAM_MAX_RECORD_AGE_SECONDS",
      "30",
      /CQRS_STREAM_MAX_RECORD_AGE_SECONDS must be an integer from 60/,
    ],
  ])("%s=%s is refused with a message naming it", (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  test.each([
    [
      "CQRS_KMS_KEY_ARN",
      "alias/cqrs",
      /CQRS_KMS_KEY_ARN must be a KMS key ARN .*not an alias.*got "alias\/cqrs"/,
    ],
    [
      "CQRS_KMS_KEY_ARN",
      "arn:aws:kms:us-east-1:111122223333:alias/cqrs",
      /CQRS_KMS_KEY_ARN must be a KMS key ARN/,
    ],
    [
      "CQRS_KMS_KEY_ARN",
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      /CQRS_KMS_KEY_ARN must be a key in AWS_REGION \(us-east-1\)/,
    ],
    [
      "CQRS_DETAILS_DELETION_PROTECTION",
      "yes",
      /CQRS_DETAILS_DELETION_PROTECTION must be one of auto, on, off/,
    ],
    [
      "CQRS_QUEUE_REDRIVE_ROLE_ARNS",
      "arn:aws:iam::111122223333:user/alice",
      /CQRS_QUEUE_REDRIVE_ROLE_ARNS must be comma-separated IAM role ARNs.*got "arn:aws:iam::111122223333:user\/alice"/,
    ],
  ])("security setting %s=%s is refused with a precise message", (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  test("a customer managed key is accepted as a key ARN, UUID or multi-Region id, in the region", () => {
    for (const arn of [
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    ]) {
      expect(loadConfig({ CQRS_KMS_KEY_ARN: arn }).encryption.kmsKeyArn).toBe(arn);
    }
    const govArn = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(loadConfig({ AWS_REGION: "us-gov-west-1", CQRS_KMS_KEY_ARN: govArn }).encryption.kmsKeyArn).toBe(
      govArn,
    );
  });

  test.each([
    ["prod", true],
    ["production", true],
    ["prd", true],
    ["prod-eu", true],
    ["dev", false],
    ["staging", false],
    ["product", false],
    ["preprod", false],
  ])("deletion protection auto: environment %s -> %s", (environment, expected) => {
    expect(loadConfig({ CQRS_ENVIRONMENT: environment }).detailsDeletionProtection).toBe(expected);
  });

  test("deletion protection on/off override the environment name", () => {
    expect(loadConfig({ CQRS_DETAILS_DELETION_PROTECTION: "on" }).detailsDeletionProtection).toBe(true);
    expect(
      loadConfig({ CQRS_ENVIRONMENT: "prod", CQRS_DETAILS_DELETION_PROTECTION: "off" })
        .detailsDeletionProtection,
    ).toBe(false);
  });

  test("redrive roles are a trimmed comma-separated list", () => {
    const roles =
      " arn:aws:iam::111122223333:role/ops , arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*";
    expect(loadConfig({ CQRS_QUEUE_REDRIVE_ROLE_ARNS: roles }).queue.redriveRoleArns).toEqual([
      "arn:aws:iam::111122223333:role/ops",
      "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*",
    ]);
  });

  test("an SQS batch above 10 needs a batching window", () => {
    expect(() => loadConfig({ CQRS_QUEUE_BATCH_SIZE: "20", CQRS_QUEUE_BATCH_WINDOW_SECONDS: "0" })).toThrow(
      /CQRS_QUEUE_BATCH_WINDOW_SECONDS must be at least 1 when CQRS_QUEUE_BATCH_SIZE is above 10/,
    );
    expect(loadConfig({ CQRS_QUEUE_BATCH_SIZE: "20" }).queue.batchSize).toBe(20);
  });

  test("docs/configuration.md documents every setting", () => {
    const page = readFileSync(path.join(__dirname, "..", "..", "docs", "configuration.md"), "utf8");
    for (const { variable } of SETTINGS)
      expect(page).toMatch(new RegExp(`^\\|\\s*\`${variable}\`\\s*\\|`, "m"));
  });

  /** Settings read, or read over their whole range, only with another setting. */
  const ENABLED_BY: Readonly<Record<string, Record<string, string>>> = {
    CQRS_WAF_RATE_LIMIT: { CQRS_WAF: "true" },
    CQRS_API_KEY_THROTTLE_RATE: { CQRS_API_AUTH: "api_key" },
    CQRS_API_KEY_THROTTLE_BURST: { CQRS_API_AUTH: "api_key" },
    CQRS_API_KEY_QUOTA_LIMIT: { CQRS_API_AUTH: "api_key" },
    CQRS_API_KEY_QUOTA_PERIOD: { CQRS_API_AUTH: "api_key" },
    CQRS_QUEUE_BATCH_WINDOW_SECONDS: { CQRS_QUEUE_BATCH_SIZE: "10" },
    // One apply-summary invocation must be able to pay for its largest write (tested below).
    CQRS_FUNCTION_TIMEOUT_SECONDS: { CQRS_QUEUED_SUMMARY_WCU: "40000" },
    CQRS_QUEUE_MAX_CONCURRENCY: { CQRS_QUEUED_SUMMARY_WCU: "40000" },
  };
  const read = (variable: string, value: string) => () =>
    loadConfig({ ...ENABLED_BY[variable], [variable]: value });

  test.each(
    SETTINGS.filter((s) => s.accepts.kind === "integer").map((s) => [s.variable, s.accepts] as const),
  )("%s is parsed with its declared range", (variable, accepts) => {
    if (accepts.kind !== "integer") throw new Error("integer settings only");
    const { min, max, only } = accepts;
    for (const outside of [min - 1, max + 1]) {
      expect(read(variable, String(outside))).toThrow(
        `${variable} must be an integer from ${min} to ${max}, got "${outside}"`,
      );
    }
    for (const inside of only ?? [min, max]) expect(read(variable, String(inside))).not.toThrow();
  });

  test.each(SETTINGS.filter((s) => s.accepts.kind === "choice").map((s) => [s.variable, s.accepts] as const))(
    "%s accepts exactly its declared values",
    (variable, accepts) => {
      if (accepts.kind !== "choice") throw new Error("choice settings only");
      for (const value of accepts.values) expect(read(variable, value)).not.toThrow();
      expect(read(variable, "maybe")).toThrow(
        `${variable} must be one of ${accepts.values.join(", ")}, got "maybe"`,
      );
    },
  );

  test("every declared default is accepted by its own setting", () => {
    for (const { variable, defaultValue } of SETTINGS) {
      if (defaultValue) expect(read(variable, defaultValue)).not.toThrow();
    }
  });

  test("one apply-summary invocation must be able to pay for the largest single write of its batch", () => {
    // 4 WCU over 2 invocations: 2 units a second for 1.5 s of a 2 s invocation, 3 units; a write of 100
    // records' marks into a full item, spilling its old marks, is estimated at 7.
    expect(largestWriteUnits(MAX_RECORDS_PER_WRITE)).toBe(7);
    expect(() => loadConfig({ CQRS_QUEUED_SUMMARY_WCU: "4", CQRS_FUNCTION_TIMEOUT_SECONDS: "2" })).toThrow(
      /CQRS_QUEUED_SUMMARY_WCU \/ CQRS_QUEUE_MAX_CONCURRENCY .*CQRS_FUNCTION_TIMEOUT_SECONDS \(4 \/ 2 over 1.5 s: 3 units\), less than its largest single write can need \(7\)/,
    );
    // 2 units a second over 3.75 s of a 5 s invocation: 7.5.
    expect(
      loadConfig({ CQRS_QUEUED_SUMMARY_WCU: "4", CQRS_FUNCTION_TIMEOUT_SECONDS: "5" }).queued,
    ).toMatchObject({
      summaryWriteCapacity: 4,
    });
    expect(() =>
      loadConfig({
        CQRS_QUEUED_SUMMARY_WCU: "4",
        CQRS_FUNCTION_TIMEOUT_SECONDS: "5",
        CQRS_QUEUE_MAX_CONCURRENCY: "3",
      }),
    ).toThrow(/largest single write/);
  });

  test("setting names are unique and all AWS_REGION or CQRS_*", () => {
    const variables = SETTINGS.map((s) => s.variable);
    expect(new Set(variables).size).toBe(variables.length);
    expect(variables.every((v) => v === "AWS_REGION" || v.startsWith("CQRS_"))).toBe(true);
  });
});
