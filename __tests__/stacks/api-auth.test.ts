import { ConfigError, loadConfig, securityWarnings } from "../../stacks/config";
import {
  defaultConfig,
  ref,
  resourceNamed,
  resources,
  synthDirect,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

const KEY_TYPES = ["aws_api_gateway_api_key", "aws_api_gateway_usage_plan", "aws_api_gateway_usage_plan_key"];
const ROUTES = ["post-order", "get-summary"];

describe("CQRS_API_AUTH", () => {
  test("is iam by default and reads iam, api_key or none", () => {
    expect(loadConfig({}).api.auth).toEqual({ mode: "iam" });
    expect(loadConfig({ CQRS_API_AUTH: "none" }).api.auth).toEqual({ mode: "none" });
    expect(loadConfig({ CQRS_API_AUTH: "api_key" }).api.auth.mode).toBe("api_key");
  });

  test.each(["IAM", "key", "true"])("refuses %s, naming the variable and the allowed values", (value) => {
    expect(() => loadConfig({ CQRS_API_AUTH: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CQRS_API_AUTH: value })).toThrow(
      `CQRS_API_AUTH must be one of iam, api_key, none, got "${value}"`,
    );
  });

  test.each(["true", "false"])(
    "CQRS_API_KEY_REQUIRED=%s stops synthesis, pointing to CQRS_API_AUTH=api_key",
    (value) => {
      expect(() => loadConfig({ CQRS_API_KEY_REQUIRED: value })).toThrow(ConfigError);
      expect(() => loadConfig({ CQRS_API_KEY_REQUIRED: value })).toThrow(
        /CQRS_API_KEY_REQUIRED was replaced by CQRS_API_AUTH: unset it and set CQRS_API_AUTH=api_key/,
      );
      expect(() => loadConfig({ CQRS_API_KEY_REQUIRED: value, CQRS_API_AUTH: "api_key" })).toThrow(
        /CQRS_API_KEY_REQUIRED was replaced/,
      );
    },
  );

  test("api_key: the usage plan throttles like the stage unless told, with a daily quota of 100000", () => {
    const auth = loadConfig({
      CQRS_API_AUTH: "api_key",
      CQRS_API_THROTTLE_RATE: "40",
      CQRS_API_THROTTLE_BURST: "80",
    }).api.auth;
    expect(auth).toEqual({
      mode: "api_key",
      usagePlan: { rateLimit: 40, burstLimit: 80, quotaLimit: 100000, quotaPeriod: "DAY" },
    });
    const tuned = loadConfig({
      CQRS_API_AUTH: "api_key",
      CQRS_API_KEY_THROTTLE_RATE: "5",
      CQRS_API_KEY_THROTTLE_BURST: "10",
      CQRS_API_KEY_QUOTA_LIMIT: "2000",
      CQRS_API_KEY_QUOTA_PERIOD: "WEEK",
    }).api.auth;
    expect(tuned).toEqual({
      mode: "api_key",
      usagePlan: { rateLimit: 5, burstLimit: 10, quotaLimit: 2000, quotaPeriod: "WEEK" },
    });
  });

  test.each([
    [
      "CQRS_API_KEY_THROTTLE_RATE",
      "0",
      'CQRS_API_KEY_THROTTLE_RATE must be an integer from 1 to 10000, got "0"',
    ],
    [
      "CQRS_API_KEY_THROTTLE_BURST",
      "5001",
      'CQRS_API_KEY_THROTTLE_BURST must be an integer from 1 to 5000, got "5001"',
    ],
    [
      "CQRS_API_KEY_QUOTA_LIMIT",
      "1.5",
      'CQRS_API_KEY_QUOTA_LIMIT must be an integer from 1 to 1000000000, got "1.5"',
    ],
    [
      "CQRS_API_KEY_QUOTA_PERIOD",
      "day",
      'CQRS_API_KEY_QUOTA_PERIOD must be one of DAY, WEEK, MONTH, got "day"',
    ],
  ])("api_key: %s=%s is refused with a message naming it", (variable, value, message) => {
    expect(() => loadConfig({ CQRS_API_AUTH: "api_key", [variable]: value })).toThrow(message);
  });

  test.each(["iam", "none"])("a usage plan setting with CQRS_API_AUTH=%s is refused, not ignored", (mode) => {
    expect(() => loadConfig({ CQRS_API_AUTH: mode, CQRS_API_KEY_QUOTA_LIMIT: "10" })).toThrow(
      `CQRS_API_KEY_QUOTA_LIMIT applies only with CQRS_API_AUTH=api_key (CQRS_API_AUTH is ${mode})`,
    );
  });

  test("only none is warned about", () => {
    expect(securityWarnings(loadConfig({}))).toEqual([]);
    expect(securityWarnings(loadConfig({ CQRS_API_AUTH: "api_key" }))).toEqual([]);
    const [warning, ...more] = securityWarnings(loadConfig({ CQRS_API_AUTH: "none" }));
    expect(more).toEqual([]);
    expect(warning).toMatch(/^CQRS_API_AUTH=none: .*unauthenticated.*the default is CQRS_API_AUTH=iam\.$/);
  });
});

const trigger = (json: TerraformJson) =>
  (resourceNamed(json, "aws_api_gateway_deployment", "deployment").triggers as Record<string, string>)
    .redeployment;

describe.each([
  ["direct-projection", synthDirect, "cqrs-direct-dev"],
  ["queued-projection", synthQueued, "cqrs-queued-dev"],
] as const)("%s API authorization", (_stackName, synth, prefix) => {
  let iam: TerraformJson;
  let keyed: TerraformJson;
  let open: TerraformJson;
  beforeAll(() => {
    iam = synth().json;
    keyed = synth(
      defaultConfig({
        CQRS_API_AUTH: "api_key",
        CQRS_API_THROTTLE_RATE: "40",
        CQRS_API_THROTTLE_BURST: "80",
        CQRS_API_KEY_QUOTA_LIMIT: "5000",
        CQRS_API_KEY_QUOTA_PERIOD: "MONTH",
      }),
    ).json;
    open = synth(defaultConfig({ CQRS_API_AUTH: "none" })).json;
  });

  test("by default every method is AWS_IAM, with no key, usage plan or key output", () => {
    const methods = Object.values(resources(iam, "aws_api_gateway_method"));
    expect(methods).toHaveLength(ROUTES.length);
    for (const method of methods) {
      expect(method.authorization).toBe("AWS_IAM");
      expect(method.api_key_required).toBeUndefined();
    }
    for (const type of KEY_TYPES) expect(resources(iam, type)).toEqual({});
    expect(iam.output.api_key_id).toBeUndefined();
    expect(iam.output.api_key_value).toBeUndefined();
  });

  test("iam: outputs the mode and the resource an execute-api:Invoke policy names", () => {
    expect(iam.output.api_auth).toMatchObject({ value: "iam" });
    expect(iam.output.api_invoke_resource_arn).toMatchObject({
      value: `${ref(iam, "aws_api_gateway_stage", "orders-api_stage", "execution_arn")}/*/*`,
    });
  });

  test("api_key: every method demands the key and authorizes nobody else", () => {
    for (const route of ROUTES) {
      expect(resourceNamed(keyed, "aws_api_gateway_method", route)).toMatchObject({
        authorization: "NONE",
        api_key_required: true,
      });
    }
    expect(keyed.output.api_invoke_resource_arn).toBeUndefined();
    expect(keyed.output.api_auth).toMatchObject({ value: "api_key" });
  });

  test("api_key: one enabled key without a value, in a usage plan with the configured throttle and quota", () => {
    for (const type of KEY_TYPES) expect(Object.keys(resources(keyed, type))).toHaveLength(1);
    const key = resourceNamed(keyed, "aws_api_gateway_api_key", "client-key");
    expect(key).toMatchObject({ name: `${prefix}-client`, enabled: true });
    expect(key.value).toBeUndefined();
    expect(resourceNamed(keyed, "aws_api_gateway_usage_plan", "usage-plan")).toMatchObject({
      api_stages: [
        {
          api_id: ref(keyed, "aws_api_gateway_rest_api", "orders-api", "id"),
          stage: ref(keyed, "aws_api_gateway_stage", "orders-api_stage", "stage_name"),
        },
      ],
      throttle_settings: { rate_limit: 40, burst_limit: 80 },
      quota_settings: { limit: 5000, period: "MONTH" },
    });
    expect(resourceNamed(keyed, "aws_api_gateway_usage_plan_key", "usage-plan-key")).toEqual({
      key_id: ref(keyed, "aws_api_gateway_api_key", "client-key", "id"),
      key_type: "API_KEY",
      usage_plan_id: ref(keyed, "aws_api_gateway_usage_plan", "usage-plan", "id"),
    });
  });

  test("api_key: outputs the key id and its value as sensitive", () => {
    expect(keyed.output.api_key_id).toMatchObject({
      value: ref(keyed, "aws_api_gateway_api_key", "client-key", "id"),
    });
    expect(keyed.output.api_key_value).toMatchObject({
      value: ref(keyed, "aws_api_gateway_api_key", "client-key", "value"),
      sensitive: true,
    });
  });

  test("none: every method is open and there is no key", () => {
    for (const method of Object.values(resources(open, "aws_api_gateway_method"))) {
      expect(method.authorization).toBe("NONE");
      expect(method.api_key_required).toBeUndefined();
    }
    for (const type of KEY_TYPES) expect(resources(open, type)).toEqual({});
    expect(open.output.api_auth).toMatchObject({ value: "none" });
    expect(open.output.api_invoke_resource_arn).toBeUndefined();
  });

  test("changing the mode redeploys the stage", () => {
    expect(new Set([trigger(iam), trigger(keyed), trigger(open)]).size).toBe(3);
  });
});
