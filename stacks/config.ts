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
   * The forwarder's stream batching window. A batch, bounded by the window (and Lambda's 6 MB) rather than
   * a record count, is packed into as few messages as fit 64 KiB: the window sets how many SQS requests
   * the queue costs and how many seconds of an account's records meet in one summary write.
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

/** Largest SQS batch Lambda takes without a batching window. */
const SQS_BATCH_WITHOUT_WINDOW = 10;

/** Environment names that get production defaults (deletion protection on). */
export const PRODUCTION_ENVIRONMENT = /^(prod|prd|production)(-|$)/;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a setting accepts. Its parser checks exactly this, and docs/configuration.md is written from it
 * (`npm run docs:config`).
 */
export type Accepts =
  /** An integer from min to max; with `only`, one of those values. */
  | {
      readonly kind: "integer";
      readonly min: number;
      readonly max: number;
      readonly only?: readonly number[];
    }
  | { readonly kind: "choice"; readonly values: readonly string[] }
  /** Text matching the pattern; `text` says what that is, in error messages and the docs. */
  | { readonly kind: "pattern"; readonly pattern: RegExp; readonly text: string }
  /** Comma-separated entries, each matching the pattern. */
  | { readonly kind: "list"; readonly pattern: RegExp; readonly text: string };

const integerFrom = (min: number, max: number, only?: readonly number[]) =>
  ({ kind: "integer", min, max, only }) as const;
const choice = <const T extends readonly string[]>(values: T) => ({ kind: "choice", values }) as const;
const FLAG = choice(["true", "false"]);
const pattern = (regex: RegExp, text: string) => ({ kind: "pattern", pattern: regex, text }) as const;

interface Declaration {
  /** Used when the variable is unset or blank; "" means no value. */
  readonly defaultValue?: string;
  /** The setting whose value is the default, instead of `defaultValue`. */
  readonly defaultFrom?: string;
  readonly accepts: Accepts;
  readonly description: string;
}

const REGION = pattern(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "an AWS region name such as us-east-1");
const CAPACITY = integerFrom(1, 40000);
const BATCH_WINDOW = integerFrom(0, 300);

/**
 * Every setting of the stacks, declared once: variable, default, what it accepts and what it means.
 * loadConfig parses each with what is declared here; docs/configuration.md lists them in this order.
 */
const DECLARED = {
  AWS_REGION: { defaultValue: "us-east-1", accepts: REGION, description: "Region of every resource." },
  CQRS_ENVIRONMENT: {
    defaultValue: "dev",
    accepts: pattern(
      /^[a-z][a-z0-9-]{0,15}$/,
      "1-16 lowercase letters, digits or hyphens starting with a letter",
    ),
    description: "Environment name: part of resource names, tags and the state key.",
  },
  CQRS_STATE_BUCKET: {
    defaultValue: PLACEHOLDER_STATE_BUCKET,
    accepts: pattern(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)",
    ),
    description: "S3 bucket holding Terraform state (placeholder until you set it).",
  },
  CQRS_STATE_REGION: {
    defaultFrom: "AWS_REGION",
    accepts: REGION,
    description: "Region of the state bucket.",
  },
  CQRS_STATE_KEY_PREFIX: {
    defaultValue: "cqrs-projections",
    accepts: pattern(
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
      "a key prefix of letters, digits, '.', '_', '-' and '/' without leading or trailing '/'",
    ),
    description: "State key is `<prefix>/<environment>/<region>/<stack>.tfstate`.",
  },
  CQRS_STAGE_NAME: {
    defaultValue: "dev",
    accepts: pattern(/^[A-Za-z0-9_-]{1,128}$/, "1-128 letters, digits, '_' or '-'"),
    description: "API Gateway stage name.",
  },
  CQRS_API_THROTTLE_RATE: {
    defaultValue: "100",
    accepts: integerFrom(1, 10000),
    description: "Stage steady-state requests/second.",
  },
  CQRS_API_THROTTLE_BURST: {
    defaultValue: "200",
    accepts: integerFrom(1, 5000),
    description: "Stage burst limit (requests).",
  },
  CQRS_API_AUTH: {
    defaultValue: "iam",
    accepts: choice(API_AUTH_MODES),
    description:
      "Every method: `iam` (SigV4), `api_key` or `none` (open); see [Authentication](api.md#authentication).",
  },
  CQRS_API_KEY_THROTTLE_RATE: {
    defaultFrom: "CQRS_API_THROTTLE_RATE",
    accepts: integerFrom(1, 10000),
    description: "`api_key` only: usage plan steady-state requests/second of the client key.",
  },
  CQRS_API_KEY_THROTTLE_BURST: {
    defaultFrom: "CQRS_API_THROTTLE_BURST",
    accepts: integerFrom(1, 5000),
    description: "`api_key` only: usage plan burst limit of the client key.",
  },
  CQRS_API_KEY_QUOTA_LIMIT: {
    defaultValue: "100000",
    accepts: integerFrom(1, 1_000_000_000),
    description: "`api_key` only: requests the client key may make per quota period.",
  },
  CQRS_API_KEY_QUOTA_PERIOD: {
    defaultValue: "DAY",
    accepts: choice(QUOTA_PERIODS),
    description: "`api_key` only: quota period.",
  },
  CQRS_LOG_RETENTION_DAYS: {
    defaultValue: "30",
    accepts: integerFrom(1, 3653, LOG_RETENTION_DAYS),
    description: "Retention of every log group, in days (the values CloudWatch Logs accepts).",
  },
  CQRS_FUNCTION_TIMEOUT_SECONDS: {
    defaultValue: "30",
    accepts: integerFrom(1, 900),
    description: "Timeout of every Lambda function.",
  },
  CQRS_STREAM_BATCH_SIZE: {
    defaultValue: "100",
    accepts: integerFrom(1, MAX_RECORDS_PER_BATCH),
    description: "Stream records per invocation.",
  },
  CQRS_STREAM_BATCH_WINDOW_SECONDS: {
    defaultValue: "1",
    accepts: BATCH_WINDOW,
    description: "Stream batching window.",
  },
  CQRS_STREAM_MAX_RETRY_ATTEMPTS: {
    defaultValue: "5",
    accepts: integerFrom(0, 10000),
    description: "Retries of a failing stream batch before it goes to the on-failure destination.",
  },
  CQRS_STREAM_MAX_RECORD_AGE_SECONDS: {
    defaultValue: "3600",
    accepts: integerFrom(60, 604800),
    description: "Oldest stream record still processed.",
  },
  CQRS_DIRECT_SUMMARY_RCU: {
    defaultValue: "2",
    accepts: CAPACITY,
    description: "direct-projection: summary table read capacity.",
  },
  CQRS_DIRECT_SUMMARY_WCU: {
    defaultValue: "2",
    accepts: CAPACITY,
    description: "direct-projection: summary table write capacity.",
  },
  CQRS_QUEUED_SUMMARY_RCU: {
    defaultValue: "2",
    accepts: CAPACITY,
    description: "queued-projection: summary table read capacity.",
  },
  CQRS_QUEUED_SUMMARY_WCU: {
    defaultValue: "5",
    accepts: CAPACITY,
    description: "queued-projection: summary table write capacity.",
  },
  CQRS_QUEUE_MAX_RECEIVE_COUNT: {
    defaultValue: "5",
    accepts: integerFrom(1, 1000),
    description: "queued-projection: receives before a message moves to the DLQ.",
  },
  CQRS_QUEUE_BATCH_SIZE: {
    defaultValue: "500",
    accepts: integerFrom(1, MAX_RECORDS_PER_BATCH),
    description: "queued-projection: messages per apply-summary invocation.",
  },
  CQRS_QUEUE_BATCH_WINDOW_SECONDS: {
    defaultValue: "1",
    accepts: BATCH_WINDOW,
    description: `queued-projection: SQS batching window; at least 1 when \`CQRS_QUEUE_BATCH_SIZE\` is above ${SQS_BATCH_WITHOUT_WINDOW}.`,
  },
  CQRS_QUEUED_STREAM_BATCH_WINDOW_SECONDS: {
    defaultValue: "5",
    accepts: BATCH_WINDOW,
    description: `queued-projection: the forwarder's stream batching window; its batches take up to ${MAX_RECORDS_PER_BATCH} records within it.`,
  },
  CQRS_ALARM_TOPIC_ARN: {
    defaultValue: "",
    accepts: pattern(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
      "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
    ),
    description: "SNS topic notified by every alarm (none when empty).",
  },
  CQRS_QUEUE_MAX_CONCURRENCY: {
    defaultValue: "2",
    accepts: integerFrom(2, 1000),
    description: "queued-projection: maximum concurrent apply-summary invocations.",
  },
  CQRS_API_ACCESS_LOGS: {
    defaultValue: "on",
    accepts: choice(["on", "off"]),
    description:
      "`on`: stage access logs and ERROR execution logs (the account needs API Gateway's CloudWatch role: account-setup); `off`: none.",
  },
  CQRS_WAF: {
    defaultValue: "false",
    accepts: FLAG,
    description: "`true`: a WAFv2 web ACL on the stage: per-IP rate limit, AWS managed rule groups, logs.",
  },
  CQRS_WAF_RATE_LIMIT: {
    defaultValue: "1000",
    accepts: integerFrom(10, 2_000_000_000),
    description: "With `CQRS_WAF`: requests one IP may make per 5 minutes before it is blocked.",
  },
  CQRS_KMS_KEY_ARN: {
    defaultValue: "",
    accepts: pattern(
      /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/,
      "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; not an alias)",
    ),
    description:
      "Customer managed KMS key of every table and queue, in `AWS_REGION` (a key id or a multi-Region `mrk-` id); empty: AWS-managed key (tables), SQS-managed SSE (queues).",
  },
  CQRS_DETAILS_DELETION_PROTECTION: {
    defaultValue: "auto",
    accepts: choice(["auto", "on", "off"]),
    description:
      "Deletion protection of the details table; `auto`: on when `CQRS_ENVIRONMENT` is `prod`, `prd`, `production` or starts with one of them and `-`.",
  },
  CQRS_QUEUE_REDRIVE_ROLE_ARNS: {
    defaultValue: "",
    accepts: {
      kind: "list",
      pattern: /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[A-Za-z0-9+=,.@_/*-]+$/,
      text: "comma-separated IAM role ARNs (arn:aws:iam::<account>:role/<path/name>, '*' allowed)",
    },
    description:
      "queued-projection: roles that may send to the summary-updates queue besides the forwarder and the stack's redrive role (output `dlq_redrive_role_arn`), e.g. an operator role that redrives the DLQ with its own permissions.",
  },
  CQRS_SETUP_API_GATEWAY_ROLE: {
    defaultValue: "true",
    accepts: FLAG,
    description:
      "account-setup: manage the account's API Gateway CloudWatch Logs role in the region (`false` if the account has one).",
  },
  CQRS_SETUP_STATE_BUCKET: {
    defaultValue: "true",
    accepts: FLAG,
    description: "account-setup: manage the state bucket `CQRS_STATE_BUCKET` (`false` if it exists already).",
  },
  CQRS_SETUP_STATE_BACKEND: {
    defaultValue: "local",
    accepts: choice(["local", "s3"]),
    description:
      "account-setup's own state: `local` file (first deploy) or `s3` (in the state bucket, once it exists).",
  },
} as const satisfies Record<string, Declaration>;

type Variable = keyof typeof DECLARED;
/** The variables whose declaration accepts values of this kind. */
type VariableOf<K extends Accepts["kind"]> = {
  [V in Variable]: (typeof DECLARED)[V]["accepts"]["kind"] extends K ? V : never;
}[Variable];

/** One setting as declared, for the docs and the tests. */
export interface SettingSpec extends Declaration {
  readonly variable: string;
}

export const SETTINGS: readonly SettingSpec[] = Object.entries(DECLARED).map(([variable, declaration]) => ({
  variable,
  ...declaration,
}));

/** Settings that were removed, with what replaces them: setting one stops synthesis instead of being ignored. */
export const REMOVED_SETTINGS: Readonly<Record<string, string>> = {
  CQRS_API_KEY_REQUIRED:
    "CQRS_API_KEY_REQUIRED was replaced by CQRS_API_AUTH: unset it and set CQRS_API_AUTH=api_key to require an " +
    "API key (the default, CQRS_API_AUTH=iam, requires SigV4-signed requests; none opens the API)",
};

const given = (env: Env, variable: string): boolean => Boolean(env[variable]?.trim());

/** The variable's trimmed value; when unset or blank, `fallback` or the declared default. */
function raw(env: Env, variable: Variable, fallback?: string): string {
  const value = env[variable]?.trim();
  if (value) return value;
  if (fallback !== undefined) return fallback;
  const declared: Declaration = DECLARED[variable];
  if (declared.defaultValue === undefined)
    throw new Error(`${variable} needs the value of ${declared.defaultFrom}`);
  return declared.defaultValue;
}

function integer(env: Env, variable: VariableOf<"integer">, fallback?: number): number {
  const { min, max, only } = DECLARED[variable].accepts as Extract<Accepts, { kind: "integer" }>;
  const text = raw(env, variable, fallback === undefined ? undefined : String(fallback));
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${variable} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  if (only && !only.includes(Number(text))) {
    throw new ConfigError(`${variable} must be one of ${only.join(", ")}, got "${Number(text)}"`);
  }
  return Number(text);
}

function oneOf<V extends VariableOf<"choice">>(
  env: Env,
  variable: V,
): (typeof DECLARED)[V]["accepts"]["values"][number] {
  const allowed: readonly string[] = DECLARED[variable].accepts.values;
  const text = raw(env, variable);
  if (!allowed.includes(text)) {
    throw new ConfigError(`${variable} must be one of ${allowed.join(", ")}, got "${text}"`);
  }
  return text as (typeof DECLARED)[V]["accepts"]["values"][number];
}

function flag(env: Env, variable: VariableOf<"choice">): boolean {
  return oneOf(env, variable) === "true";
}

/** The value when it matches; undefined when it is empty and the declared default is empty. */
function matchingOrNone(env: Env, variable: VariableOf<"pattern">, fallback?: string): string | undefined {
  const text = raw(env, variable, fallback);
  if (text === "") return undefined;
  const accepts = DECLARED[variable].accepts;
  if (!accepts.pattern.test(text))
    throw new ConfigError(`${variable} must be ${accepts.text}, got "${text}"`);
  return text;
}

function matching(env: Env, variable: VariableOf<"pattern">, fallback?: string): string {
  const text = matchingOrNone(env, variable, fallback);
  if (text === undefined) throw new Error(`${variable} has no default`);
  return text;
}

function list(env: Env, variable: VariableOf<"list">): string[] {
  const accepts = DECLARED[variable].accepts;
  const entries = raw(env, variable)
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const wrong = entries.find((entry) => !accepts.pattern.test(entry));
  if (wrong !== undefined) throw new ConfigError(`${variable} must be ${accepts.text}, got "${wrong}"`);
  return entries;
}

const USAGE_PLAN_SETTINGS = [
  "CQRS_API_KEY_THROTTLE_RATE",
  "CQRS_API_KEY_THROTTLE_BURST",
  "CQRS_API_KEY_QUOTA_LIMIT",
  "CQRS_API_KEY_QUOTA_PERIOD",
] as const satisfies readonly Variable[];

function apiAuth(env: Env, stageRate: number, stageBurst: number): ApiAuth {
  const mode = oneOf(env, "CQRS_API_AUTH");
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
      rateLimit: integer(env, "CQRS_API_KEY_THROTTLE_RATE", stageRate),
      burstLimit: integer(env, "CQRS_API_KEY_THROTTLE_BURST", stageBurst),
      quotaLimit: integer(env, "CQRS_API_KEY_QUOTA_LIMIT"),
      quotaPeriod: oneOf(env, "CQRS_API_KEY_QUOTA_PERIOD"),
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

function kmsKeyArn(env: Env, region: string): string | undefined {
  const text = matchingOrNone(env, "CQRS_KMS_KEY_ARN");
  // An ARN's fourth field is its region.
  if (text !== undefined && text.split(":")[3] !== region) {
    throw new ConfigError(
      `CQRS_KMS_KEY_ARN must be a key in AWS_REGION (${region}): DynamoDB and SQS use keys of their own region, got "${text}"`,
    );
  }
  return text;
}

function deletionProtection(env: Env, environment: string): boolean {
  const mode = oneOf(env, "CQRS_DETAILS_DELETION_PROTECTION");
  return mode === "auto" ? PRODUCTION_ENVIRONMENT.test(environment) : mode === "on";
}

/** Reads the whole configuration; throws ConfigError on the first invalid value. */
export function loadConfig(env: Env = process.env): ProjectConfig {
  for (const [variable, replacement] of Object.entries(REMOVED_SETTINGS)) {
    if (given(env, variable)) throw new ConfigError(replacement);
  }
  const region = matching(env, "AWS_REGION");
  const environment = matching(env, "CQRS_ENVIRONMENT");
  const logRetentionDays = integer(env, "CQRS_LOG_RETENTION_DAYS");
  const queueBatchSize = integer(env, "CQRS_QUEUE_BATCH_SIZE");
  const queueWindow = integer(env, "CQRS_QUEUE_BATCH_WINDOW_SECONDS");
  if (queueBatchSize > SQS_BATCH_WITHOUT_WINDOW && queueWindow < 1) {
    throw new ConfigError(
      `CQRS_QUEUE_BATCH_WINDOW_SECONDS must be at least 1 when CQRS_QUEUE_BATCH_SIZE is above ${SQS_BATCH_WITHOUT_WINDOW}, got "${queueWindow}"`,
    );
  }
  const queuedWriteCapacity = integer(env, "CQRS_QUEUED_SUMMARY_WCU");
  const maximumConcurrency = integer(env, "CQRS_QUEUE_MAX_CONCURRENCY");
  const functionTimeoutSeconds = integer(env, "CQRS_FUNCTION_TIMEOUT_SECONDS");
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
  const throttlingRateLimit = integer(env, "CQRS_API_THROTTLE_RATE");
  const throttlingBurstLimit = integer(env, "CQRS_API_THROTTLE_BURST");
  return {
    region,
    encryption: { kmsKeyArn: kmsKeyArn(env, region) },
    detailsDeletionProtection: deletionProtection(env, environment),
    alarmTopicArn: matchingOrNone(env, "CQRS_ALARM_TOPIC_ARN"),
    environment,
    logRetentionDays,
    functionTimeoutSeconds,
    state: {
      bucket: matching(env, "CQRS_STATE_BUCKET"),
      region: matching(env, "CQRS_STATE_REGION", region),
      keyPrefix: matching(env, "CQRS_STATE_KEY_PREFIX"),
    },
    api: {
      stageName: matching(env, "CQRS_STAGE_NAME"),
      throttlingRateLimit,
      throttlingBurstLimit,
      auth: apiAuth(env, throttlingRateLimit, throttlingBurstLimit),
      accessLogs: oneOf(env, "CQRS_API_ACCESS_LOGS") === "on",
      waf: flag(env, "CQRS_WAF")
        ? { requestsPerIpPer5Minutes: integer(env, "CQRS_WAF_RATE_LIMIT") }
        : undefined,
    },
    accountSetup: {
      manageApiGatewayRole: flag(env, "CQRS_SETUP_API_GATEWAY_ROLE"),
      manageStateBucket: flag(env, "CQRS_SETUP_STATE_BUCKET"),
      stateBackend: oneOf(env, "CQRS_SETUP_STATE_BACKEND"),
    },
    stream: {
      batchSize: integer(env, "CQRS_STREAM_BATCH_SIZE"),
      maximumBatchingWindowInSeconds: integer(env, "CQRS_STREAM_BATCH_WINDOW_SECONDS"),
      maximumRetryAttempts: integer(env, "CQRS_STREAM_MAX_RETRY_ATTEMPTS"),
      maximumRecordAgeInSeconds: integer(env, "CQRS_STREAM_MAX_RECORD_AGE_SECONDS"),
    },
    queue: {
      maxReceiveCount: integer(env, "CQRS_QUEUE_MAX_RECEIVE_COUNT"),
      redriveRoleArns: list(env, "CQRS_QUEUE_REDRIVE_ROLE_ARNS"),
      batchSize: queueBatchSize,
      maximumBatchingWindowInSeconds: queueWindow,
      maximumConcurrency,
      streamBatchingWindowInSeconds: integer(env, "CQRS_QUEUED_STREAM_BATCH_WINDOW_SECONDS"),
    },
    direct: {
      summaryReadCapacity: integer(env, "CQRS_DIRECT_SUMMARY_RCU"),
      summaryWriteCapacity: integer(env, "CQRS_DIRECT_SUMMARY_WCU"),
    },
    queued: {
      summaryReadCapacity: integer(env, "CQRS_QUEUED_SUMMARY_RCU"),
      summaryWriteCapacity: queuedWriteCapacity,
    },
  };
}
