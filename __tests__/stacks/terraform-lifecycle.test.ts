import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { type App, type TerraformResource, Testing } from "cdktf";
import { DirectProjectionStack } from "../../stacks/direct-projection-stack";
import {
  defaultConfig,
  resources,
  synthAccountSetup,
  synthDirect,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

/** Every `type.name` a resource refers to, by expression or depends_on. */
function dependenciesOf(config: Record<string, unknown>): string[] {
  const text = JSON.stringify(config);
  const references = [...text.matchAll(/\b(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+/g)].map((m) => m[1]);
  const explicit = (config.depends_on as string[] | undefined) ?? [];
  return [...new Set([...references, ...explicit])];
}

/** Everything Terraform must also create before destroying, once a resource is create_before_destroy. */
function createBeforeDestroyClosure(json: TerraformJson): Set<string> {
  const all = new Map<string, Record<string, unknown>>();
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, config] of Object.entries(byName)) all.set(`${type}.${name}`, config);
  }
  const pending = [...all.entries()]
    .filter(([, config]) => (config.lifecycle as { create_before_destroy?: boolean })?.create_before_destroy)
    .map(([address]) => address);
  const closure = new Set<string>();
  while (pending.length > 0) {
    const address = pending.pop() as string;
    if (closure.has(address)) continue;
    closure.add(address);
    const config = all.get(address);
    if (config) pending.push(...dependenciesOf(config));
  }
  return closure;
}

const variants = {
  default: {},
  "api key": { CQRS_API_AUTH: "api_key" },
  "no auth": { CQRS_API_AUTH: "none" },
  "alarm topic": { CQRS_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:oncall" },
  "access logs off": { CQRS_API_ACCESS_LOGS: "off" },
  waf: { CQRS_WAF: "true" },
};

describe.each(Object.entries(variants))("%s settings", (_variant, env) => {
  const stacks = {
    "direct-projection": synthDirect(defaultConfig(env)).json,
    "queued-projection": synthQueued(defaultConfig(env)).json,
    "account-setup": synthAccountSetup(defaultConfig(env)).json,
  };

  test.each(Object.keys(stacks))("%s: no table is pulled into create_before_destroy", (name) => {
    const json = stacks[name as keyof typeof stacks];
    const closure = [...createBeforeDestroyClosure(json)];
    expect(closure.filter((address) => address.startsWith("aws_dynamodb_table."))).toEqual([]);
    if (name !== "account-setup") {
      // The walk finds something: the deployment and the REST API it belongs to.
      expect(closure.some((address) => address.startsWith("aws_api_gateway_deployment."))).toBe(true);
    }
  });

  test.each(Object.keys(stacks))(
    "%s: every ARN is built from the partition, none says arn:aws: itself",
    (name) => {
      // The alarm topic is the user's own ARN, taken as given.
      const text = JSON.stringify(stacks[name as keyof typeof stacks]).replaceAll(
        variants["alarm topic"].CQRS_ALARM_TOPIC_ARN,
        "",
      );
      expect(text.match(/.{0,40}arn:aws:.{0,40}/g) ?? []).toEqual([]);
    },
  );
});

describe("event source mappings wait for every permission their function uses", () => {
  test.each([
    ["direct-projection", synthDirect().json],
    ["queued-projection", synthQueued().json],
  ])("%s", (_name, json) => {
    const mappings = Object.values(resources(json, "aws_lambda_event_source_mapping"));
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) {
      const fn = (mapping.function_name as string).match(/aws_lambda_function\.([^.]+)\.arn/)?.[1] as string;
      const role = (resources(json, "aws_lambda_function")[fn].role as string).match(
        /aws_iam_role\.([^.]+)\./,
      )?.[1];
      const policiesOfRole = Object.entries(resources(json, "aws_iam_role_policy"))
        .filter(([, policy]) => policy.role === `\${aws_iam_role.${role}.id}`)
        .map(([id]) => `aws_iam_role_policy.${id}`);
      expect(policiesOfRole.length).toBeGreaterThanOrEqual(2);
      expect(mapping.depends_on).toEqual(expect.arrayContaining(policiesOfRole));
    }
  });
});

describe("the API redeploys on any change to what it serves", () => {
  type Edit = (resources: TerraformResource[]) => void;
  const first = <T>(all: TerraformResource[], type: new (...args: never[]) => T): T & TerraformResource =>
    all.find((r) => r instanceof type) as T & TerraformResource;

  function triggerAfter(edit: Edit): string {
    const stack = new DirectProjectionStack(Testing.app() as App, defaultConfig());
    const all = stack.node.findAll().filter((c): c is TerraformResource => "terraformResourceType" in c);
    edit(all);
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const deployment = Object.values(resources(json, "aws_api_gateway_deployment"))[0];
    return (deployment.triggers as { redeployment: string }).redeployment;
  }

  const unchanged = triggerAfter(() => {});
  const edits: Record<string, Edit> = {
    "integration credentials": (all) =>
      first(all, ApiGatewayIntegration).addOverride("credentials", "arn:aws:iam::123456789012:role/other"),
    "passthrough behaviour": (all) =>
      first(all, ApiGatewayIntegration).addOverride("passthrough_behavior", "WHEN_NO_MATCH"),
    "selection pattern": (all) =>
      all
        .filter((r) => r instanceof ApiGatewayIntegrationResponse)
        .find((r) => (r as ApiGatewayIntegrationResponse).selectionPatternInput !== undefined)
        ?.addOverride("selection_pattern", "4\\d{2}|5\\d{2}"),
    "validator flag": (all) =>
      first(all, ApiGatewayRequestValidator).addOverride("validate_request_parameters", true),
    "gateway response parameters": (all) =>
      first(all, ApiGatewayGatewayResponse).addOverride("response_parameters", {
        "gatewayresponse.header.X-Extra": "'1'",
      }),
    authorization: (all) => first(all, ApiGatewayMethod).addOverride("authorization", "NONE"),
  };

  test.each(Object.keys(edits))("%s", (name) => {
    expect(triggerAfter(edits[name])).not.toBe(unchanged);
  });

  test("an unrelated change does not redeploy", () => {
    const trigger = triggerAfter((all) =>
      all
        .find((r) => r.terraformResourceType === "aws_cloudwatch_log_group")
        ?.addOverride("retention_in_days", 7),
    );
    expect(trigger).toBe(unchanged);
  });

  test("the trigger is one expression over the digest and the ids", () => {
    expect(unchanged).toMatch(/^\$\{sha1\(jsonencode\(\["[0-9a-f]{64}", aws_api_gateway_/);
  });
});
