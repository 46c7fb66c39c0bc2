/**
 * Every setting of the two stacks, read once from environment variables.
 * An invalid value stops synthesis with a message naming the variable and what it accepts.
 */

import { largestWriteUnits } from "../functions/summary/plan-write";
import { spendableSeconds, writeUnitsPerInvocation } from "../functions/summary/write-budget";

export interface ProjectionSettings {
  /** Read capacity units of the summary table. */
  readonly summaryReadCapacity: number;
  /** Write capacity units of the summary table: the resource the projection must not overwhelm. */
  readonly summaryWriteCapacity: number;
}

export interface StreamMappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds: number;
}

export interface QueueSettings {
  readonly maxReceiveCount: number;
  /**
   * Roles that may send to the summary-updates queue besides the forwarder and the stack's own redrive role:
   * other principals that redrive its DLQ (StartMessageMoveTask sends to the destination with the caller's
   * permissions). IAM ARN patterns.
   */
  readonly redriveRoleArns: readonly string[];
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /** Upper bound of concurrent apply-summary invocations: the knob that protects the summary table. */
  readonly maximumConcurrency: number;
  /**
   * The forwarder's stream batching window. Its batches are bounded by the window (and Lambda's 6 MB),
   * not by a record count: the more records one batch holds, the fewer account messages it sends.
   */
  readonly streamBatchingWindowInSeconds: number;
}

export interface StateBackendSettings {
  readonly bucket: string;
  readonly region: string;
  readonly keyPrefix: string;
}

/** How callers authenticate to every method of the API (`CQRS_API_AUTH`). */
export const API_AUTH_MODES = ["iam", "api_key", "none"] as const;
export type ApiAuthMode = (typeof API_AUTH_MODES)[number];

export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;

/** The usage plan the client key belongs to: its throttle and quota. */
export interface UsagePlanSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly quotaLimit: number;
  readonly quotaPeriod: (typeof QUOTA_PERIODS)[number];
}

export type ApiAuth =
  /** `authorization = "AWS_IAM"`: SigV4-signed requests from identities allowed `execute-api:Invoke`. */
  | { readonly mode: "iam" }
  /** An `x-api-key` header holding the client key, attached to the stage through a usage plan. */
  | { readonly mode: "api_key"; readonly usagePlan: UsagePlanSettings }
  /** Open to anyone: the original demo. */
  | { readonly mode: "none" };

export interface ApiSettings {
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly auth: ApiAuth;
  /**
   * Access logs and ERROR execution logs of the stage. API Gateway refuses them until the account has its
   * CloudWatch role in the region (the account-setup stack, or one the account already has).
   */
  readonly accessLogs: boolean;
  /** A WAFv2 web ACL in front of the stage, blocking an IP beyond this many requests per 5 minutes. */
  readonly waf?: { readonly requestsPerIpPer5Minutes: number };
}

/** What the account-setup stack manages, once per account and region. */
export interface AccountSetupSettings {
  /** The API Gateway CloudWatch Logs role of the account in the region (`aws_api_gateway_account`). */
  readonly manageApiGatewayRole: boolean;
  /** The Terraform state bucket (CQRS_STATE_BUCKET, in CQRS_STATE_REGION). */
  readonly manageStateBucket: boolean;
  /** Where account-setup keeps its own state: a local file first, the state bucket once it exists. */
  readonly stateBackend: "local" | "s3";
}

/** Encryption at rest of the tables and queues. */
export interface EncryptionSettings {
  /** Customer managed KMS key of every table and queue; AWS-managed (tables) and SQS-managed keys when unset. */
  readonly kmsKeyArn?: string;
}

export interface ProjectConfig {
  readonly region: string;
  readonly encryption: EncryptionSettings;
  /** Deletion protection of the details table (the write model, the only data that cannot be rebuilt). */
  readonly detailsDeletionProtection: boolean;
  /** SNS topic notified by the alarms; none when unset. */
  readonly alarmTopicArn?: string;
  readonly environment: string;
  readonly logRetentionDays: number;
  readonly functionTimeoutSeconds: number;
  readonly state: StateBackendSettings;
  readonly api: ApiSettings;
  readonly accountSetup: AccountSetupSettings;
  readonly stream: StreamMappingSettings;
  readonly queue: QueueSettings;
  readonly direct: ProjectionSettings;
  readonly queued: ProjectionSettings;
}

/** Placeholder used when CQRS_STATE_BUCKET is not set, so that `cdktf synth` works on a fresh clone. */
export const PLACEHOLDER_STATE_BUCKET = "replace-me-cqrs-projections-tfstate";

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Largest batch size Lambda accepts for a DynamoDB stream or an SQS event source mapping. */
export const MAX_RECORDS_PER_BATCH = 10_000;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Describes one setting: the variable, its default and how to parse it. Also drives the README table. */
export interface SettingSpec {
  readonly variable: string;
  readonly defaultValue: string;
  readonly description: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  { variable: "AWS_REGION", defaultValue: "us-east-1", description: "Region of every resource." },
  {
    variable: "CQRS_ENVIRONMENT",
    defaultValue: "dev",
    description: "Environment name: part of resource names, tags and the state key.",
  },
  {
    variable: "CQRS_STATE_BUCKET",
    defaultValue: PLACEHOLDER_STATE_BUCKET,
    description: "S3 bucket holding Terraform state (placeholder until you set it).",
  },
  {
    variable: "CQRS_STATE_REGION",
    defaultValue: "(AWS_REGION)",
    description: "Region of the state bucket.",
  },
  {
    variable: "CQRS_STATE_KEY_PREFIX",
    defaultValue: "cqrs-projections",
    description: "State key is `<prefix>/<environment>/<region>/<stack>.tfstate`.",
  },
  { variable: "CQRS_STAGE_NAME", defaultValue: "dev", description: "API Gateway stage name." },
  {
    variable: "CQRS_API_THROTTLE_RATE",
    defaultValue: "100",
    description: "Stage steady-state requests/second.",
  },
  { variable: "CQRS_API_THROTTLE_BURST", defaultValue: "200", description: "Stage burst limit (requests)." },
  {
    variable: "CQRS_API_AUTH",
    defaultValue: "iam",
    description: "Every method: `iam` (SigV4), `api_key` or `none` (open); see Authentication.",
  },
  {
    variable: "CQRS_API_KEY_THROTTLE_RATE",
    defaultValue: "(CQRS_API_THROTTLE_RATE)",
    description: "`api_key`: usage plan steady-state requests/second of the client key (1-10000).",
  },
  {
    variable: "CQRS_API_KEY_THROTTLE_BURST",
    defaultValue: "(CQRS_API_THROTTLE_BURST)",
    description: "`api_key`: usage plan burst limit of the client key (1-5000).",
  },
  {
    variable: "CQRS_API_KEY_QUOTA_LIMIT",
    defaultValue: "100000",
    description: "`api_key`: requests the client key may make per quota period (1-1000000000).",
  },
  {
    variable: "CQRS_API_KEY_QUOTA_PERIOD",
    defaultValue: "DAY",
    description: "`api_key`: quota period, `DAY`, `WEEK` or `MONTH`.",
  },
  {
    variable: "CQRS_LOG_RETENTION_DAYS",
    defaultValue: "30",
    description: "Retention of every log group (a value CloudWatch Logs accepts).",
  },
  {
    variable: "CQRS_FUNCTION_TIMEOUT_SECONDS",
    defaultValue: "30",
    description: "Timeout of every Lambda function (1-900).",
  },
  {
    variable: "CQRS_STREAM_BATCH_SIZE",
    defaultValue: "100",
    description: `Stream records per invocation (1-${MAX_RECORDS_PER_BATCH}).`,
  },
  {
    variable: "CQRS_STREAM_BATCH_WINDOW_SECONDS",
    defaultValue: "1",
    description: "Stream batching window (0-300).",
  },
  {
    variable: "CQRS_STREAM_MAX_RETRY_ATTEMPTS",
    defaultValue: "5",
    description: "Retries of a failing stream batch before it goes to the on-failure destination (0-10000).",
  },
  {
    variable: "CQRS_STREAM_MAX_RECORD_AGE_SECONDS",
    defaultValue: "3600",
    description: "Oldest stream record still processed (60-604800).",
  },
  {
    variable: "CQRS_DIRECT_SUMMARY_RCU",
    defaultValue: "2",
    description: "direct-projection: summary table read capacity.",
  },
  {
    variable: "CQRS_DIRECT_SUMMARY_WCU",
    defaultValue: "2",
    description: "direct-projection: summary table write capacity.",
  },
  {
    variable: "CQRS_QUEUED_SUMMARY_RCU",
    defaultValue: "2",
    description: "queued-projection: summary table read capacity.",
  },
  {
    variable: "CQRS_QUEUED_SUMMARY_WCU",
    defaultValue: "5",
    description: "queued-projection: summary table write capacity.",
  },
  {
    variable: "CQRS_QUEUE_MAX_RECEIVE_COUNT",
    defaultValue: "5",
    description: "queued-projection: receives before a message moves to the DLQ (1-1000).",
  },
  {
    variable: "CQRS_QUEUE_BATCH_SIZE",
    defaultValue: "500",
    description: `queued-projection: messages per apply-summary invocation (1-${MAX_RECORDS_PER_BATCH}).`,
  },
  {
    variable: "CQRS_QUEUE_BATCH_WINDOW_SECONDS",
    defaultValue: "5",
    description: "queued-projection: SQS batching window (0-300; at least 1 when batch size > 10).",
  },
  {
    variable: "CQRS_QUEUED_STREAM_BATCH_WINDOW_SECONDS",
    defaultValue: "2",
    description: `queued-projection: the forwarder's stream batching window (0-300); its batches take up to ${MAX_RECORDS_PER_BATCH} records within it.`,
  },
  {
    variable: "CQRS_ALARM_TOPIC_ARN",
    defaultValue: "",
    description: "SNS topic ARN notified by every alarm (none when empty).",
  },
  {
    variable: "CQRS_QUEUE_MAX_CONCURRENCY",
    defaultValue: "2",
    description: "queued-projection: maximum concurrent apply-summary invocations (2-1000).",
  },
  {
    variable: "CQRS_API_ACCESS_LOGS",
    defaultValue: "on",
    description:
      "`on`: stage access logs and ERROR execution logs (the account needs API Gateway's CloudWatch role: account-setup); `off`: none.",
  },
  {
    variable: "CQRS_WAF",
    defaultValue: "false",
    description: "`true`: a WAFv2 web ACL on the stage: per-IP rate limit, AWS managed rule groups, logs.",
  },
  {
    variable: "CQRS_WAF_RATE_LIMIT",
    defaultValue: "1000",
    description:
      "With `CQRS_WAF`: requests one IP may make per 5 minutes before it is blocked (10-2000000000).",
  },
  {
    variable: "CQRS_KMS_KEY_ARN",
    defaultValue: "",
    description:
      "Customer managed KMS key (key ARN, same region) of every table and queue; empty: AWS-managed key (tables), SQS-managed SSE (queues).",
  },
  {
    variable: "CQRS_DETAILS_DELETION_PROTECTION",
    defaultValue: "auto",
    description:
      "Deletion protection of the details table: `on`, `off`, or `auto` (on when CQRS_ENVIRONMENT is `prod`, `prd`, `production` or starts with one of them and `-`).",
  },
  {
    variable: "CQRS_QUEUE_REDRIVE_ROLE_ARNS",
    defaultValue: "",
    description:
      "queued-projection: comma-separated IAM role ARNs (wildcards allowed) that may send to the summary-updates queue besides the forwarder and the stack's redrive role (output `dlq_redrive_role_arn`), e.g. an operator role that redrives the DLQ with its own permissions.",
  },
  {
    variable: "CQRS_SETUP_API_GATEWAY_ROLE",
    defaultValue: "true",
    description:
      "account-setup: manage the account's API Gateway CloudWatch Logs role in the region (`false` if the account has one).",
  },
  {
    variable: "CQRS_SETUP_STATE_BUCKET",
    defaultValue: "true",
    description: "account-setup: manage the state bucket `CQRS_STATE_BUCKET` (`false` if it exists already).",
  },
  {
    variable: "CQRS_SETUP_STATE_BACKEND",
    defaultValue: "local",
    description:
      "account-setup's own state: `local` file (first deploy) or `s3` (in the state bucket, once it exists).",
  },
];

function defaultOf(variable: string): string {
  const spec = SETTINGS.find((s) => s.variable === variable);
  if (!spec) throw new Error(`unknown setting ${variable}`);
  return spec.defaultValue;
}

const given = (env: Env, variable: string): boolean => Boolean(env[variable]?.trim());

function raw(env: Env, variable: string): string {
  const value = env[variable];
  return value === undefined || value.trim() === "" ? defaultOf(variable) : value.trim();
}

function integer(env: Env, variable: string, min: number, max: number, fallback?: number): number {
  const text = !given(env, variable) && fallback !== undefined ? String(fallback) : raw(env, variable);
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${variable} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function oneOf<T extends string>(env: Env, variable: string, allowed: readonly T[]): T {
  const text = raw(env, variable);
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ConfigError(`${variable} must be one of ${allowed.join(", ")}, got "${text}"`);
  }
  return text as T;
}

/** Settings that were removed, with what replaces them: setting one stops synthesis instead of being ignored. */
const REMOVED_SETTINGS: Readonly<Record<string, string>> = {
  CQRS_API_KEY_REQUIRED:
    "CQRS_API_KEY_REQUIRED was replaced by CQRS_API_AUTH: unset it and set CQRS_API_AUTH=api_key to require an " +
    "API key (the default, CQRS_API_AUTH=iam, requires SigV4-signed requests; none opens the API)",
};

const USAGE_PLAN_SETTINGS = [
  "CQRS_API_KEY_THROTTLE_RATE",
  "CQRS_API_KEY_THROTTLE_BURST",
  "CQRS_API_KEY_QUOTA_LIMIT",
  "CQRS_API_KEY_QUOTA_PERIOD",
];

function apiAuth(env: Env, stageRate: number, stageBurst: number): ApiAuth {
  const mode = oneOf(env, "CQRS_API_AUTH", API_AUTH_MODES);
  if (mode !== "api_key") {
    const stray = USAGE_PLAN_SETTINGS.find((variable) => given(env, variable));
    if (stray) {
      throw new ConfigError(`${stray} applies only with CQRS_API_AUTH=api_key (CQRS_API_AUTH is ${mode})`);
    }
    return { mode };
  }
  return {
    mode,
    usagePlan: {
      rateLimit: integer(env, "CQRS_API_KEY_THROTTLE_RATE", 1, 10000, stageRate),
      burstLimit: integer(env, "CQRS_API_KEY_THROTTLE_BURST", 1, 5000, stageBurst),
      quotaLimit: integer(env, "CQRS_API_KEY_QUOTA_LIMIT", 1, 1_000_000_000),
      quotaPeriod: oneOf(env, "CQRS_API_KEY_QUOTA_PERIOD", QUOTA_PERIODS),
    },
  };
}

/** What synthesis warns about on stderr: settings that leave the stacks open. */
export function securityWarnings(config: ProjectConfig): string[] {
  return config.api.auth.mode === "none"
    ? [
        "CQRS_API_AUTH=none: both stacks' APIs accept unauthenticated requests; anyone who can reach them can " +
          "read every summary and write orders. Use it only for the demo; the default is CQRS_API_AUTH=iam.",
      ]
    : [];
}

function flag(env: Env, variable: string): boolean {
  return oneOf(env, variable, ["true", "false"] as const) === "true";
}

function matching(env: Env, variable: string, pattern: RegExp, allowed: string, fallback?: string): string {
  const value = env[variable];
  const text = value === undefined || value.trim() === "" ? (fallback ?? defaultOf(variable)) : value.trim();
  if (!pattern.test(text)) {
    throw new ConfigError(`${variable} must be ${allowed}, got "${text}"`);
  }
  return text;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const REGION_TEXT = "an AWS region name such as us-east-1";

/** A KMS key ARN: a key id (UUID) or a multi-Region key id (`mrk-` and 32 hex digits). Aliases are refused. */
const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** Environment names that get production defaults (deletion protection on). */
export const PRODUCTION_ENVIRONMENT = /^(prod|prd|production)(-|$)/;

function kmsKeyArn(env: Env, region: string): string | undefined {
  const text = env.CQRS_KMS_KEY_ARN?.trim();
  if (!text) return undefined;
  const match = KMS_KEY_ARN.exec(text);
  if (!match) {
    throw new ConfigError(
      `CQRS_KMS_KEY_ARN must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; not an alias), got "${text}"`,
    );
  }
  if (match[1] !== region) {
    throw new ConfigError(
      `CQRS_KMS_KEY_ARN must be a key in AWS_REGION (${region}): DynamoDB and SQS use keys of their own region, got "${text}"`,
    );
  }
  return text;
}

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[A-Za-z0-9+=,.@_/*-]+$/;

function roleArnPatterns(env: Env, variable: string): string[] {
  const entries = (env[variable] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    if (!ROLE_ARN_PATTERN.test(entry)) {
      throw new ConfigError(
        `${variable} must be comma-separated IAM role ARNs (arn:aws:iam::<account>:role/<path/name>, '*' allowed), got "${entry}"`,
      );
    }
  }
  return entries;
}

function deletionProtection(env: Env, environment: string): boolean {
  const mode = oneOf(env, "CQRS_DETAILS_DELETION_PROTECTION", ["auto", "on", "off"] as const);
  return mode === "auto" ? PRODUCTION_ENVIRONMENT.test(environment) : mode === "on";
}

/** Reads the whole configuration; throws ConfigError on the first invalid value. */
export function loadConfig(env: Env = process.env): ProjectConfig {
  for (const [variable, replacement] of Object.entries(REMOVED_SETTINGS)) {
    if (given(env, variable)) throw new ConfigError(replacement);
  }
  const region = matching(env, "AWS_REGION", REGION, REGION_TEXT);
  const environment = matching(
    env,
    "CQRS_ENVIRONMENT",
    /^[a-z][a-z0-9-]{0,15}$/,
    "1-16 lowercase letters, digits or hyphens starting with a letter",
  );
  const logRetentionDays = integer(env, "CQRS_LOG_RETENTION_DAYS", 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError(
      `CQRS_LOG_RETENTION_DAYS must be one of ${LOG_RETENTION_DAYS.join(", ")}, got "${logRetentionDays}"`,
    );
  }
  const queueBatchSize = integer(env, "CQRS_QUEUE_BATCH_SIZE", 1, MAX_RECORDS_PER_BATCH);
  const queueWindow = integer(env, "CQRS_QUEUE_BATCH_WINDOW_SECONDS", 0, 300);
  if (queueBatchSize > 10 && queueWindow < 1) {
    throw new ConfigError(
      `CQRS_QUEUE_BATCH_WINDOW_SECONDS must be at least 1 when CQRS_QUEUE_BATCH_SIZE is above 10, got "${queueWindow}"`,
    );
  }
  const queuedWriteCapacity = integer(env, "CQRS_QUEUED_SUMMARY_WCU", 1, 40000);
  const maximumConcurrency = integer(env, "CQRS_QUEUE_MAX_CONCURRENCY", 2, 1000);
  const functionTimeoutSeconds = integer(env, "CQRS_FUNCTION_TIMEOUT_SECONDS", 1, 900);
  const largestWrite = largestWriteUnits(MAX_RECORDS_PER_BATCH);
  const perInvocation = writeUnitsPerInvocation(
    queuedWriteCapacity / maximumConcurrency,
    functionTimeoutSeconds,
  );
  if (largestWrite > perInvocation) {
    throw new ConfigError(
      `queued-projection: one apply-summary invocation may spend CQRS_QUEUED_SUMMARY_WCU / CQRS_QUEUE_MAX_CONCURRENCY ` +
        `write units a second over most of CQRS_FUNCTION_TIMEOUT_SECONDS (${queuedWriteCapacity} / ${maximumConcurrency} ` +
        `over ${spendableSeconds(functionTimeoutSeconds)} s: ${perInvocation} units), less than its largest single write ` +
        `can need (${largestWrite}); raise the capacity or the timeout, or lower the concurrency`,
    );
  }
  const throttlingRateLimit = integer(env, "CQRS_API_THROTTLE_RATE", 1, 10000);
  const throttlingBurstLimit = integer(env, "CQRS_API_THROTTLE_BURST", 1, 5000);
  const alarmTopic = env.CQRS_ALARM_TOPIC_ARN?.trim();
  if (alarmTopic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(alarmTopic)) {
    throw new ConfigError(
      `CQRS_ALARM_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "${alarmTopic}"`,
    );
  }
  return {
    region,
    encryption: { kmsKeyArn: kmsKeyArn(env, region) },
    detailsDeletionProtection: deletionProtection(env, environment),
    alarmTopicArn: alarmTopic || undefined,
    environment,
    logRetentionDays,
    functionTimeoutSeconds,
    state: {
      bucket: matching(
        env,
        "CQRS_STATE_BUCKET",
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)",
      ),
      region: matching(env, "CQRS_STATE_REGION", REGION, REGION_TEXT, region),
      keyPrefix: matching(
        env,
        "CQRS_STATE_KEY_PREFIX",
        /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
        "a key prefix of letters, digits, '.', '_', '-' and '/' without leading or trailing '/'",
      ),
    },
    api: {
      stageName: matching(
        env,
        "CQRS_STAGE_NAME",
        /^[A-Za-z0-9_-]{1,128}$/,
        "1-128 letters, digits, '_' or '-'",
      ),
      throttlingRateLimit,
      throttlingBurstLimit,
      auth: apiAuth(env, throttlingRateLimit, throttlingBurstLimit),
      accessLogs: oneOf(env, "CQRS_API_ACCESS_LOGS", ["on", "off"] as const) === "on",
      waf: flag(env, "CQRS_WAF")
        ? { requestsPerIpPer5Minutes: integer(env, "CQRS_WAF_RATE_LIMIT", 10, 2_000_000_000) }
        : undefined,
    },
    accountSetup: {
      manageApiGatewayRole: flag(env, "CQRS_SETUP_API_GATEWAY_ROLE"),
      manageStateBucket: flag(env, "CQRS_SETUP_STATE_BUCKET"),
      stateBackend: oneOf(env, "CQRS_SETUP_STATE_BACKEND", ["local", "s3"] as const),
    },
    stream: {
      batchSize: integer(env, "CQRS_STREAM_BATCH_SIZE", 1, MAX_RECORDS_PER_BATCH),
      maximumBatchingWindowInSeconds: integer(env, "CQRS_STREAM_BATCH_WINDOW_SECONDS", 0, 300),
      maximumRetryAttempts: integer(env, "CQRS_STREAM_MAX_RETRY_ATTEMPTS", 0, 10000),
      maximumRecordAgeInSeconds: integer(env, "CQRS_STREAM_MAX_RECORD_AGE_SECONDS", 60, 604800),
    },
    queue: {
      maxReceiveCount: integer(env, "CQRS_QUEUE_MAX_RECEIVE_COUNT", 1, 1000),
      redriveRoleArns: roleArnPatterns(env, "CQRS_QUEUE_REDRIVE_ROLE_ARNS"),
      batchSize: queueBatchSize,
      maximumBatchingWindowInSeconds: queueWindow,
      maximumConcurrency,
      streamBatchingWindowInSeconds: integer(env, "CQRS_QUEUED_STREAM_BATCH_WINDOW_SECONDS", 0, 300),
    },
    direct: {
      summaryReadCapacity: integer(env, "CQRS_DIRECT_SUMMARY_RCU", 1, 40000),
      summaryWriteCapacity: integer(env, "CQRS_DIRECT_SUMMARY_WCU", 1, 40000),
    },
    queued: {
      summaryReadCapacity: integer(env, "CQRS_QUEUED_SUMMARY_RCU", 1, 40000),
      summaryWriteCapacity: queuedWriteCapacity,
    },
  };
}
