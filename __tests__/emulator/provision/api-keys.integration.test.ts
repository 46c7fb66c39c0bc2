import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { restApiStages } from "../../../emulator/provision/rest-api";
import { UnsupportedConfigurationError } from "../../../emulator/terraform/resource-support";
import { StackModel } from "../../../emulator/terraform/stack-model";
import { readSynthesizedStack, type TerraformDocument } from "../../../emulator/terraform/terraform-document";
import { synthesize } from "../../../tools/shared/synthesize";

describe("a stack synthesized with CQRS_API_AUTH=api_key", () => {
  let outdir: string;
  let model: StackModel;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), "cqrs-api-key-"));
    synthesize(outdir, { CQRS_API_AUTH: "api_key" });
    model = new StackModel(readSynthesizedStack(outdir, "direct-projection"), "us-east-1");
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test("maps to a stage whose methods require a key, with exactly one generated key attached", () => {
    const [stage] = restApiStages(model);
    const methods = stage.resources.flatMap((resource) => resource.methods);
    expect(methods.map((method) => [method.httpMethod, method.apiKeyRequired])).toEqual([
      ["GET", true],
      ["POST", true],
    ]);
    expect(stage.apiKeys).toHaveLength(1);
    const [key] = stage.apiKeys ?? [];
    expect(key.enabled).toBe(true);
    expect(key.value).toMatch(/^[A-Za-z0-9]{40}$/);
    const [keyId] = model.resources("aws_api_gateway_api_key")[0];
    expect(model.attribute("aws_api_gateway_api_key", keyId, "value")).toBe(key.value);
    expect(model.resolve(model.stack.document.output?.api_key_value?.value, "output.api_key_value")).toBe(
      key.value,
    );
  });
});

/** A Terraform reference expression, `${expression}`. */
const ref = (expression: string) => `\${${expression}}`;

/** A REST API with one open GET / and one stage, plus whatever key resources a test adds. */
function stackWith(resource: NonNullable<TerraformDocument["resource"]>): StackModel {
  const api = ref("aws_api_gateway_rest_api.api.id");
  return new StackModel(
    {
      name: "keys",
      dir: tmpdir(),
      document: {
        resource: {
          aws_api_gateway_rest_api: { api: { name: "keys" } },
          aws_api_gateway_method: {
            get: {
              rest_api_id: api,
              resource_id: ref("aws_api_gateway_rest_api.api.root_resource_id"),
              http_method: "GET",
              authorization: "NONE",
              api_key_required: true,
            },
          },
          aws_api_gateway_integration: {
            get: {
              rest_api_id: api,
              resource_id: ref("aws_api_gateway_rest_api.api.root_resource_id"),
              http_method: "GET",
              type: "AWS",
              integration_http_method: "POST",
              uri: "arn:aws:apigateway:us-east-1:dynamodb:action/GetItem",
            },
          },
          aws_api_gateway_deployment: { deployment: { rest_api_id: api } },
          aws_api_gateway_stage: {
            live: {
              rest_api_id: api,
              deployment_id: ref("aws_api_gateway_deployment.deployment.id"),
              stage_name: "live",
            },
          },
          ...resource,
        },
      },
    },
    "us-east-1",
  );
}

function plan(stage: string, extra: Record<string, unknown> = {}) {
  return {
    name: `plan-${stage}`,
    api_stages: [{ api_id: ref("aws_api_gateway_rest_api.api.id"), stage }],
    ...extra,
  };
}

function link(key: string, usagePlan: string, keyType = "API_KEY") {
  return {
    key_id: ref(`aws_api_gateway_api_key.${key}.id`),
    key_type: keyType,
    usage_plan_id: ref(`aws_api_gateway_usage_plan.${usagePlan}.id`),
  };
}

describe("restApiStages with API keys", () => {
  test("attaches enabled keys whose usage plan names this stage, keeping configured values", () => {
    const model = stackWith({
      aws_api_gateway_api_key: {
        given: { name: "given", value: "a-configured-key-value-0001", description: "kept as is" },
        generated: { name: "generated" },
        disabled: { name: "disabled", value: "a-disabled-key-value-00001", enabled: false },
        elsewhere: { name: "elsewhere", value: "a-key-of-another-stage-001" },
      },
      aws_api_gateway_usage_plan: {
        live: plan(ref("aws_api_gateway_stage.live.stage_name"), {
          throttle_settings: { rate_limit: 5, burst_limit: 10 },
          quota_settings: { limit: 1000, period: "DAY" },
        }),
        other: plan("other"),
      },
      aws_api_gateway_usage_plan_key: {
        given: link("given", "live"),
        generated: link("generated", "live"),
        disabled: link("disabled", "live"),
        elsewhere: link("elsewhere", "other"),
      },
    });
    const [stage] = restApiStages(model);
    expect(stage.apiKeys?.map((key) => key.id)).toEqual(["given", "generated"]);
    expect(stage.apiKeys?.[0].value).toBe("a-configured-key-value-0001");
    expect(stage.apiKeys?.[1].value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(model.attribute("aws_api_gateway_api_key", "generated", "value")).toBe(stage.apiKeys?.[1].value);
  });

  test("an API without usage plans has no keys", () => {
    expect(restApiStages(stackWith({}))[0].apiKeys).toEqual([]);
  });

  test("refuses key types other than API_KEY and attributes it would silently drop", () => {
    const keys = { aws_api_gateway_api_key: { k: { name: "k" } } };
    expect(() =>
      restApiStages(
        stackWith({
          ...keys,
          aws_api_gateway_usage_plan: { p: plan("live") },
          aws_api_gateway_usage_plan_key: { l: link("k", "p", "MARKETPLACE") },
        }),
      ),
    ).toThrow(UnsupportedConfigurationError);
    expect(() =>
      restApiStages(
        stackWith({ ...keys, aws_api_gateway_usage_plan: { p: plan("live", { product_code: "x" }) } }),
      ),
    ).toThrow('aws_api_gateway_usage_plan.p: attribute "product_code" is not supported by the local runtime');
  });
});
