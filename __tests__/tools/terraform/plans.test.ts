import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { addresses, changesOfType, type PlanJson, plansOf } from "./plans";

/** Plans of the stock settings (synthesized under umask 0022: the common default). */
const DEFAULT = "default-umask-0022";
/** Plans with every setting that adds or removes resources (tools/terraform/variants.ts). */
const OPTIONS = "every-option";
const APP_STACKS = ["direct-projection", "queued-projection"];
const PLANS = path.resolve(__dirname, "..", "..", "..", "plans");
const API_KEY_TYPES = [
  "aws_api_gateway_api_key",
  "aws_api_gateway_usage_plan",
  "aws_api_gateway_usage_plan_key",
];
const WAF_TYPES = [
  "aws_cloudwatch_log_group",
  "aws_wafv2_web_acl",
  "aws_wafv2_web_acl_association",
  "aws_wafv2_web_acl_logging_configuration",
];
const TOPIC = "arn:aws:sns:us-east-1:123456789012:x";

const typesOf = (list: string[]) => list.map((address) => address.split(".")[0]).sort();
const only = <T>(values: Record<string, T>): T => {
  const all = Object.values(values);
  expect(all).toHaveLength(1);
  return all[0];
};

describe("plans of the stock settings", () => {
  let plans: Record<string, PlanJson>;
  beforeAll(() => {
    plans = plansOf(DEFAULT);
  });

  test("every stack was planned, by Terraform >= 1.11, creating everything on empty state", () => {
    expect(Object.keys(plans).sort()).toEqual(["account-setup", ...APP_STACKS]);
    for (const plan of Object.values(plans)) {
      expect(plan.terraform_version).toMatch(/^1\.(1[1-9]|[2-9]\d)\./);
      expect(plan.resource_changes?.length).toBeGreaterThan(0);
      for (const rc of plan.resource_changes ?? []) {
        expect([rc.address, rc.change.actions]).toEqual([rc.address, ["create"]]);
      }
    }
  });

  test("account-setup: the API Gateway CloudWatch role and a versioned, encrypted, private state bucket", () => {
    const plan = plans["account-setup"];
    expect(changesOfType(plan, "aws_api_gateway_account")).not.toEqual({});
    expect(only(changesOfType(plan, "aws_iam_role_policy_attachment")).policy_arn).toBe(
      "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    );
    expect(only(changesOfType(plan, "aws_s3_bucket")).bucket).toBe("replace-me-cqrs-projections-tfstate");
    expect(only(changesOfType(plan, "aws_s3_bucket_versioning")).versioning_configuration).toEqual([
      { status: "Enabled" },
    ]);
    expect(only(changesOfType(plan, "aws_s3_bucket_public_access_block"))).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const encryption = only(changesOfType(plan, "aws_s3_bucket_server_side_encryption_configuration"));
    expect(JSON.stringify(encryption.rule)).toContain('"sse_algorithm":"aws:kms"');
    expect(changesOfType(plan, "aws_s3_bucket_policy")).not.toEqual({});
    expect(changesOfType(plan, "aws_s3_bucket_lifecycle_configuration")).not.toEqual({});
  });

  test.each(APP_STACKS)("%s: tables with streams, point-in-time recovery and exact names", (stack) => {
    const tables = Object.values(changesOfType(plans[stack], "aws_dynamodb_table"));
    const prefix = stack === "direct-projection" ? "cqrs-direct-dev" : "cqrs-queued-dev";
    expect(tables.map((t) => t.name).sort()).toEqual(
      [`${prefix}-applied-records`, `${prefix}-details`, `${prefix}-summary`].sort(),
    );
    const details = tables.find((t) => t.name === `${prefix}-details`);
    expect(details).toMatchObject({ stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
    for (const table of tables) {
      expect(table.point_in_time_recovery).toEqual([expect.objectContaining({ enabled: true })]);
    }
  });

  test.each(APP_STACKS)(
    "%s: functions upload the synthesized zip, whose SHA-256 is their source_code_hash",
    (stack) => {
      const functions = Object.values(changesOfType(plans[stack], "aws_lambda_function"));
      expect(functions.length).toBe(stack === "direct-projection" ? 1 : 2);
      for (const fn of functions) {
        expect(fn).toMatchObject({
          runtime: "nodejs24.x",
          architectures: ["arm64"],
          handler: "index.handler",
        });
        const zip = readFileSync(path.join(PLANS, ".work", DEFAULT, "stacks", stack, String(fn.filename)));
        expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
      }
    },
  );

  test.each(APP_STACKS)(
    "%s: IAM-authorized methods, access and ERROR logs, no key, no WAF, silent alarms",
    (stack) => {
      const plan = plans[stack];
      for (const type of [...API_KEY_TYPES, ...WAF_TYPES.slice(1)])
        expect(changesOfType(plan, type)).toEqual({});
      const methods = Object.values(changesOfType(plan, "aws_api_gateway_method"));
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods)
        expect(method).toMatchObject({ authorization: "AWS_IAM", api_key_required: false });
      const stage = only(changesOfType(plan, "aws_api_gateway_stage"));
      expect(stage.access_log_settings).toEqual([
        expect.objectContaining({ format: expect.stringContaining("requestId") }),
      ]);
      const settings = Object.values(changesOfType(plan, "aws_api_gateway_method_settings"));
      expect(settings.map((s) => JSON.stringify(s.settings))).toContainEqual(
        expect.stringContaining('"logging_level":"ERROR"'),
      );
      const alarms = Object.values(changesOfType(plan, "aws_cloudwatch_metric_alarm"));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) expect(alarm.alarm_actions ?? []).toEqual([]);
    },
  );
});

describe("zips do not depend on the umask", () => {
  test.each(APP_STACKS)("%s: same source_code_hash synthesized under umask 0002 and 0022", (stack) => {
    const hashes = (label: string) =>
      Object.fromEntries(
        Object.entries(changesOfType(plansOf(label)[stack], "aws_lambda_function")).map(([address, fn]) => [
          address,
          fn.source_code_hash,
        ]),
      );
    const groupWritable = hashes("default-umask-0002");
    expect(Object.keys(groupWritable).length).toBeGreaterThan(0);
    expect(groupWritable).toEqual(hashes("default-umask-0022"));
  });
});

describe("every option set (CQRS_API_AUTH=api_key, CQRS_WAF, CQRS_API_ACCESS_LOGS=off, alarm topic, setup off)", () => {
  let plans: Record<string, PlanJson>;
  let stock: Record<string, PlanJson>;
  beforeAll(() => {
    plans = plansOf(OPTIONS);
    stock = plansOf(DEFAULT);
  });

  test.each(APP_STACKS)(
    "%s: adds exactly a key, usage plan and key link, and the WAF; removes nothing",
    (stack) => {
      const before = addresses(stock[stack]);
      const after = addresses(plans[stack]);
      expect(typesOf(after.filter((address) => !before.includes(address)))).toEqual(
        [...API_KEY_TYPES, ...WAF_TYPES].sort(),
      );
      expect(before.filter((address) => !after.includes(address))).toEqual([]);
    },
  );

  test.each(APP_STACKS)(
    "%s: CQRS_API_AUTH=api_key: every method needs the key; the usage plan covers the stage",
    (stack) => {
      for (const method of Object.values(changesOfType(plans[stack], "aws_api_gateway_method"))) {
        expect(method).toMatchObject({ authorization: "NONE", api_key_required: true });
      }
      expect(only(changesOfType(plans[stack], "aws_api_gateway_usage_plan")).api_stages).toEqual([
        expect.objectContaining({ stage: "dev" }),
      ]);
    },
  );

  test.each(APP_STACKS)("%s: CQRS_WAF=true: a regional web ACL with a per-IP rate rule, logged", (stack) => {
    const acl = only(changesOfType(plans[stack], "aws_wafv2_web_acl"));
    expect(acl.scope).toBe("REGIONAL");
    expect(JSON.stringify(acl.rule)).toContain('"limit":1000');
    // The provider takes the per-rule overrides that keep the contract's legal orders unblocked.
    type Override = { name: string; action_to_use: { count?: unknown[] }[] };
    const counted = (
      acl.rule as { statement: { managed_rule_group_statement?: { rule_action_override: Override[] }[] }[] }[]
    )
      .flatMap((rule) => rule.statement[0].managed_rule_group_statement?.[0]?.rule_action_override ?? [])
      .filter((override) => override.action_to_use[0].count?.length === 1)
      .map((override) => override.name);
    expect(counted).toEqual(
      expect.arrayContaining([
        "NoUserAgent_HEADER",
        "CrossSiteScripting_BODY",
        "GenericLFI_BODY",
        "GenericRFI_BODY",
      ]),
    );
    expect(counted).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(Log4JRCE|JavaDeserializationRCE|ExploitablePaths)/)]),
    );
    expect(changesOfType(plans[stack], "aws_wafv2_web_acl_association")).not.toEqual({});
    expect(changesOfType(plans[stack], "aws_wafv2_web_acl_logging_configuration")).not.toEqual({});
  });

  test.each(APP_STACKS)(
    "%s: CQRS_API_ACCESS_LOGS=off: no access log settings, execution logging OFF",
    (stack) => {
      expect(only(changesOfType(plans[stack], "aws_api_gateway_stage")).access_log_settings).toEqual([]);
      const settings = Object.values(changesOfType(plans[stack], "aws_api_gateway_method_settings"));
      expect(settings.map((s) => JSON.stringify(s.settings))).toContainEqual(
        expect.stringContaining('"logging_level":"OFF"'),
      );
      expect(settings.map((s) => JSON.stringify(s.settings)).join()).not.toContain('"logging_level":"ERROR"');
    },
  );

  test.each(APP_STACKS)(
    "%s: CQRS_ALARM_TOPIC_ARN: every alarm notifies the topic on alarm and on recovery",
    (stack) => {
      const alarms = Object.values(changesOfType(plans[stack], "aws_cloudwatch_metric_alarm"));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms)
        expect(alarm).toMatchObject({ alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    },
  );

  test("account-setup with CQRS_SETUP_API_GATEWAY_ROLE=false and CQRS_SETUP_STATE_BUCKET=false manages nothing", () => {
    expect(addresses(stock["account-setup"]).length).toBeGreaterThan(0);
    expect(addresses(plans["account-setup"])).toEqual([]);
  });
});
