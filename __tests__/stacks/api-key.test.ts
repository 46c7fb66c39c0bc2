import { ConfigError, loadConfig } from "../../stacks/config";
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

describe("CQRS_API_KEY_REQUIRED", () => {
  test("is false by default and reads true or false", () => {
    expect(loadConfig({}).api.apiKeyRequired).toBe(false);
    expect(loadConfig({ CQRS_API_KEY_REQUIRED: "true" }).api.apiKeyRequired).toBe(true);
    expect(loadConfig({ CQRS_API_KEY_REQUIRED: "false" }).api.apiKeyRequired).toBe(false);
  });

  test.each(["yes", "1", "TRUE"])("refuses %s, naming the variable and the allowed values", (value) => {
    expect(() => loadConfig({ CQRS_API_KEY_REQUIRED: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CQRS_API_KEY_REQUIRED: value })).toThrow(
      `CQRS_API_KEY_REQUIRED must be true or false, got "${value}"`,
    );
  });
});

describe.each([
  ["direct-projection", synthDirect, "cqrs-direct-dev"],
  ["queued-projection", synthQueued, "cqrs-queued-dev"],
] as const)("%s API key", (_stackName, synth, prefix) => {
  let open: TerraformJson;
  let keyed: TerraformJson;
  beforeAll(() => {
    open = synth().json;
    keyed = synth(
      defaultConfig({
        CQRS_API_KEY_REQUIRED: "true",
        CQRS_API_THROTTLE_RATE: "40",
        CQRS_API_THROTTLE_BURST: "80",
      }),
    ).json;
  });

  test("by default the methods are open and there is no key, usage plan or key output", () => {
    for (const type of KEY_TYPES) expect(resources(open, type)).toEqual({});
    for (const route of ["post-order", "get-summary"]) {
      expect(resourceNamed(open, "aws_api_gateway_method", route).api_key_required ?? false).toBe(false);
    }
    expect(open.output.api_key_id).toBeUndefined();
    expect(open.output.api_key_value).toBeUndefined();
  });

  test("when required, both methods demand the key", () => {
    for (const route of ["post-order", "get-summary"]) {
      expect(resourceNamed(keyed, "aws_api_gateway_method", route).api_key_required).toBe(true);
    }
  });

  test("when required, one enabled key without a value, in a usage plan bound to the stage", () => {
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
    });
    expect(resourceNamed(keyed, "aws_api_gateway_usage_plan_key", "usage-plan-key")).toEqual({
      key_id: ref(keyed, "aws_api_gateway_api_key", "client-key", "id"),
      key_type: "API_KEY",
      usage_plan_id: ref(keyed, "aws_api_gateway_usage_plan", "usage-plan", "id"),
    });
  });

  test("when required, requiring the key redeploys the stage", () => {
    const trigger = (json: TerraformJson) =>
      (resourceNamed(json, "aws_api_gateway_deployment", "deployment").triggers as Record<string, string>)
        .redeployment;
    expect(trigger(keyed)).not.toBe(trigger(open));
  });

  test("when required, outputs the key id and its value as sensitive", () => {
    expect(keyed.output.api_key_id).toMatchObject({
      value: ref(keyed, "aws_api_gateway_api_key", "client-key", "id"),
    });
    expect(keyed.output.api_key_value).toMatchObject({
      value: ref(keyed, "aws_api_gateway_api_key", "client-key", "value"),
      sensitive: true,
    });
  });
});
