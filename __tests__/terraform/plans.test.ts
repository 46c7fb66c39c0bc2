import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { addresses, changesOfType, type PlanJson, plansOf } from "./plans";

/** Plans of the stock settings (synthesized under umask 0022: the common default). */
const DEFAULT = "default-umask-0022";
const APP_STACKS = ["direct-projection", "queued-projection"];
const PLANS = path.resolve(__dirname, "..", "..", "plans");
const API_KEY_TYPES = [
  "aws_api_gateway_api_key",
  "aws_api_gateway_usage_plan",
  "aws_api_gateway_usage_plan_key",
];

describe("plans of the stock settings", () => {
  let plans: Record<string, PlanJson>;
  beforeAll(() => {
    plans = plansOf(DEFAULT);
  });

  test("every application stack was planned, by Terraform >= 1.11, creating everything on empty state", () => {
    expect(Object.keys(plans)).toEqual(expect.arrayContaining(APP_STACKS));
    for (const plan of Object.values(plans)) {
      expect(plan.terraform_version).toMatch(/^1\.(1[1-9]|[2-9]\d)\./);
      expect(plan.resource_changes.length).toBeGreaterThan(0);
      for (const rc of plan.resource_changes)
        expect([rc.address, rc.change.actions]).toEqual([rc.address, ["create"]]);
    }
  });

  test.each(APP_STACKS)("%s: tables with streams, point-in-time recovery and exact names", (stack) => {
    const tables = Object.values(changesOfType(plans[stack], "aws_dynamodb_table"));
    const prefix = stack === "direct-projection" ? "cqrs-direct-dev" : "cqrs-queued-dev";
    expect(tables.map((t) => t.name).sort()).toEqual(
      [`${prefix}-applied-records`, `${prefix}-details`, `${prefix}-summary`].sort(),
    );
    const details = tables.find((t) => t.name === `${prefix}-details`);
    expect(details).toMatchObject({ stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
    for (const table of tables)
      expect(table.point_in_time_recovery).toEqual([expect.objectContaining({ enabled: true })]);
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

  test.each(APP_STACKS)("%s: an open API (no key) and alarms that notify nobody", (stack) => {
    for (const type of API_KEY_TYPES) expect(changesOfType(plans[stack], type)).toEqual({});
    const methods = Object.values(changesOfType(plans[stack], "aws_api_gateway_method"));
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.api_key_required).toBe(false);
    const alarms = Object.values(changesOfType(plans[stack], "aws_cloudwatch_metric_alarm"));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.alarm_actions ?? []).toEqual([]);
  });
});

describe("zips do not depend on the umask (issue 8, finding 2)", () => {
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

describe("CQRS_API_KEY_REQUIRED=true", () => {
  test.each(APP_STACKS)(
    "%s: adds exactly a key, a usage plan and its key link; every method needs the key",
    (stack) => {
      const plan = plansOf("api-key")[stack];
      const added = addresses(plan).filter(
        (address) => !addresses(plansOf(DEFAULT)[stack]).includes(address),
      );
      expect(added.map((address) => address.split(".")[0]).sort()).toEqual([...API_KEY_TYPES].sort());
      expect(
        addresses(plansOf(DEFAULT)[stack]).filter((address) => !addresses(plan).includes(address)),
      ).toEqual([]);
      const methods = Object.values(changesOfType(plan, "aws_api_gateway_method"));
      for (const method of methods) expect(method.api_key_required).toBe(true);
      const [usagePlan] = Object.values(changesOfType(plan, "aws_api_gateway_usage_plan"));
      expect(usagePlan.api_stages).toEqual([expect.objectContaining({ stage: "dev" })]);
    },
  );
});

describe("CQRS_ALARM_TOPIC_ARN set", () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:x";
  test.each(APP_STACKS)(
    "%s: same resources; every alarm notifies the topic on alarm and on recovery",
    (stack) => {
      const plan = plansOf("alarm-topic")[stack];
      expect(addresses(plan)).toEqual(addresses(plansOf(DEFAULT)[stack]));
      const alarms = Object.values(changesOfType(plan, "aws_cloudwatch_metric_alarm"));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms)
        expect(alarm).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    },
  );
});
