import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/constructs/bundled-function";
import { methodSettingsPath } from "../../stacks/constructs/orders-api";
import { unescapeTerraformTemplate } from "../../stacks/constructs/templates";
import {
  defaultConfig,
  ref,
  resourceNamed,
  resources,
  sortedStatements,
  statementsOfRole,
  synthDirect,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

/** How the stacks spell the partition in ARNs: read from the provider, never `aws` itself. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform expression, not a JavaScript one
const PARTITION = "${data.aws_partition.partition.partition}";

const template = (name: string) => readFileSync(path.join(__dirname, "..", "..", "templates", name), "utf8");

describe.each([
  ["direct-projection", synthDirect, "cqrs-direct-dev", { read: 2, write: 2 }],
  ["queued-projection", synthQueued, "cqrs-queued-dev", { read: 2, write: 5 }],
] as const)("%s shared resources", (stackName, synth, prefix, capacity) => {
  let json: TerraformJson;
  beforeAll(() => {
    json = synth().json;
  });

  test("keeps state in S3, SSE-KMS with the state bucket's key (not SSE-S3), and native locking", () => {
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "replace-me-cqrs-projections-tfstate",
        key: `cqrs-projections/dev/us-east-1/${stackName}.tfstate`,
        region: "us-east-1",
        encrypt: true,
        kms_key_id: "alias/aws/s3",
        use_lockfile: true,
      },
    });
    expect(json.terraform.required_version).toBe(">= 1.11.0");
  });

  test("configures the AWS provider with region and default tags", () => {
    expect(json.provider.aws).toEqual([
      {
        region: "us-east-1",
        default_tags: [{ tags: { project: "cqrs-projections", stack: stackName, environment: "dev" } }],
      },
    ]);
  });

  test("details table: account + vendor keys, on demand, streamed with both images, PITR", () => {
    expect(resourceNamed(json, "aws_dynamodb_table", "details")).toMatchObject({
      name: `${prefix}-details`,
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "accountid",
      range_key: "vendorid",
      attribute: [
        { name: "accountid", type: "S" },
        { name: "vendorid", type: "S" },
      ],
      stream_enabled: true,
      stream_view_type: "NEW_AND_OLD_IMAGES",
      point_in_time_recovery: { enabled: true },
    });
  });

  test("summary table: account key with the stack's provisioned capacity, PITR", () => {
    expect(resourceNamed(json, "aws_dynamodb_table", "summary")).toMatchObject({
      name: `${prefix}-summary`,
      billing_mode: "PROVISIONED",
      hash_key: "accountid",
      read_capacity: capacity.read,
      write_capacity: capacity.write,
      point_in_time_recovery: { enabled: true },
    });
  });

  test("ledger table: range items per account and watermark, expired by TTL", () => {
    expect(resourceNamed(json, "aws_dynamodb_table", "ledger")).toMatchObject({
      hash_key: "accountid",
      range_key: "spilled_after",
      attribute: [
        { name: "accountid", type: "S" },
        { name: "spilled_after", type: "N" },
      ],
      billing_mode: "PAY_PER_REQUEST",
      ttl: { enabled: true, attribute_name: "expires_at" },
    });
  });

  test("the API has exactly the expected resources and no account-wide settings", () => {
    const count = (type: string) => Object.keys(resources(json, type)).length;
    expect(count("aws_api_gateway_rest_api")).toBe(1);
    expect(count("aws_api_gateway_resource")).toBe(2);
    expect(count("aws_api_gateway_method")).toBe(2);
    expect(count("aws_api_gateway_integration")).toBe(2);
    expect(count("aws_api_gateway_integration_response")).toBe(6);
    expect(count("aws_api_gateway_method_response")).toBe(10);
    expect(count("aws_api_gateway_model")).toBe(1);
    expect(count("aws_api_gateway_request_validator")).toBe(2);
    expect(count("aws_api_gateway_gateway_response")).toBe(4);
    expect(count("aws_api_gateway_deployment")).toBe(1);
    expect(count("aws_api_gateway_stage")).toBe(1);
    expect(count("aws_api_gateway_account")).toBe(0);
  });

  test("POST /order puts into details with the verbatim template, validated by the model", () => {
    const method = resourceNamed(json, "aws_api_gateway_method", "post-order");
    expect(method).toMatchObject({
      http_method: "POST",
      request_models: { "application/json": ref(json, "aws_api_gateway_model", "order-model", "name") },
      request_validator_id: ref(json, "aws_api_gateway_request_validator", "body-validator", "id"),
    });
    const integration = resourceNamed(json, "aws_api_gateway_integration", "post-order");
    expect(integration).toMatchObject({
      type: "AWS",
      integration_http_method: "POST",
      uri: `arn:${PARTITION}:apigateway:us-east-1:dynamodb:action/PutItem`,
      passthrough_behavior: "NEVER",
      credentials: ref(json, "aws_iam_role", "orders-api_role", "arn"),
    });
    const templates = integration.request_templates as Record<string, string>;
    expect(Object.keys(templates)).toEqual(["application/json"]);
    expect(unescapeTerraformTemplate(templates["application/json"])).toBe(template("order-request.vtl"));
    const model = resourceNamed(json, "aws_api_gateway_model", "order-model");
    expect(unescapeTerraformTemplate(model.schema as string)).toBe(template("order-request.schema.json"));
    expect(resourceNamed(json, "aws_api_gateway_request_validator", "body-validator")).toMatchObject({
      validate_request_body: true,
    });
  });

  test("GET /{accountid} gets from summary with the verbatim templates and may answer 404", () => {
    const integration = resourceNamed(json, "aws_api_gateway_integration", "get-summary");
    expect(integration).toMatchObject({
      uri: `arn:${PARTITION}:apigateway:us-east-1:dynamodb:action/GetItem`,
      passthrough_behavior: "NEVER",
    });
    const templates = integration.request_templates as Record<string, string>;
    expect(unescapeTerraformTemplate(templates["application/json"])).toBe(template("summary-request.vtl"));
    const ok = resourceNamed(json, "aws_api_gateway_integration_response", "get-summary-integration-200");
    expect(ok.selection_pattern).toBeUndefined();
    expect(
      unescapeTerraformTemplate((ok.response_templates as Record<string, string>)["application/json"]),
    ).toBe(template("summary-response.vtl"));
    const codes = Object.entries(resources(json, "aws_api_gateway_method_response"))
      .filter(([id]) => id.includes("get-summary"))
      .map(([, r]) => r.status_code)
      .sort();
    expect(codes).toEqual(["200", "400", "404", "429", "500"]);
  });

  test("POST /order may answer 409 (create-only orders) and 429 (DynamoDB throughput), set by the error template", () => {
    const codes = Object.entries(resources(json, "aws_api_gateway_method_response"))
      .filter(([id]) => id.includes("post-order"))
      .map(([, r]) => r.status_code)
      .sort();
    expect(codes).toEqual(["200", "400", "409", "429", "500"]);
    expect(template("order-request.vtl")).toContain(
      '"ConditionExpression": "attribute_not_exists(#accountid) OR (',
    );
  });

  test("GET /{accountid} is throttled to the summary table's eventually consistent reads, in its own method settings", () => {
    const settings = resourceNamed(json, "aws_api_gateway_method_settings", "summary-read-throttle");
    expect(settings).toEqual({
      rest_api_id: ref(json, "aws_api_gateway_rest_api", "orders-api", "id"),
      stage_name: ref(json, "aws_api_gateway_stage", "orders-api", "stage_name"),
      method_path: "~1{accountid}/GET",
      // The stage-wide entry does not reach a method with an entry of its own: metrics and logging repeat.
      settings: {
        throttling_rate_limit: capacity.read * 2,
        throttling_burst_limit: capacity.read * 2,
        metrics_enabled: true,
        logging_level: "ERROR",
        data_trace_enabled: false,
      },
    });
  });

  test("API Gateway's own errors answer in the API's JSON error shape", () => {
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      const response = Object.values(resources(json, "aws_api_gateway_gateway_response")).find(
        (r) => r.response_type === type,
      );
      expect(response?.status_code).toBeUndefined();
      expect(
        unescapeTerraformTemplate(
          (response?.response_templates as Record<string, string> | undefined)?.["application/json"] ?? "",
        ),
      ).toBe(template("gateway-error.tpl"));
    }
  });

  test("DynamoDB client errors map to 400 and server errors to 500 with the JSON error template", () => {
    for (const route of ["post-order", "get-summary"]) {
      expect(
        resourceNamed(json, "aws_api_gateway_integration_response", `${route}-integration-400`),
      ).toMatchObject({
        status_code: "400",
        selection_pattern: "4\\d{2}",
      });
      const serverError = resourceNamed(
        json,
        "aws_api_gateway_integration_response",
        `${route}-integration-500`,
      );
      expect(serverError).toMatchObject({ status_code: "500", selection_pattern: "5\\d{2}" });
      const body = (serverError.response_templates as Record<string, string>)["application/json"];
      expect(unescapeTerraformTemplate(body)).toBe(template("error-response.vtl"));
    }
  });

  test("bad bodies get 400 and unsupported media types 415, both as JSON", () => {
    const badBody = resourceNamed(json, "aws_api_gateway_gateway_response", "bad-request-body");
    expect(badBody).toMatchObject({ response_type: "BAD_REQUEST_BODY", status_code: "400" });
    const badBodyTemplate = (badBody.response_templates as Record<string, string>)["application/json"];
    expect(unescapeTerraformTemplate(badBodyTemplate)).toBe(template("bad-request-body.json"));
    expect(resourceNamed(json, "aws_api_gateway_gateway_response", "unsupported-media-type")).toMatchObject({
      response_type: "UNSUPPORTED_MEDIA_TYPE",
      status_code: "415",
    });
  });

  test("the API role may only put orders and get summaries", () => {
    expect(statementsOfRole(json, "orders-api_role")).toEqual(
      sortedStatements([
        {
          Effect: "Allow",
          Action: ["dynamodb:PutItem"],
          Resource: [ref(json, "aws_dynamodb_table", "details", "arn")],
        },
        {
          Effect: "Allow",
          Action: ["dynamodb:GetItem"],
          Resource: [ref(json, "aws_dynamodb_table", "summary", "arn")],
        },
      ]),
    );
    const trust = JSON.parse(
      resourceNamed(json, "aws_iam_role", "orders-api_role").assume_role_policy as string,
    );
    expect(trust.Statement[0].Principal).toEqual({ Service: "apigateway.amazonaws.com" });
  });

  test("the stage passes table names as variables, logs JSON access lines and throttles", () => {
    const stage = resourceNamed(json, "aws_api_gateway_stage", "stage");
    expect(stage).toMatchObject({
      stage_name: "dev",
      variables: {
        detailsTableName: ref(json, "aws_dynamodb_table", "details", "name"),
        summaryTableName: ref(json, "aws_dynamodb_table", "summary", "name"),
      },
    });
    const accessLogs = stage.access_log_settings as { destination_arn: string; format: string };
    expect(accessLogs.destination_arn).toBe(ref(json, "aws_cloudwatch_log_group", "access-logs", "arn"));
    expect(JSON.parse(accessLogs.format)).toHaveProperty("requestId", "$context.requestId");
    expect(resourceNamed(json, "aws_cloudwatch_log_group", "access-logs")).toMatchObject({
      retention_in_days: 30,
    });
    expect(resourceNamed(json, "aws_api_gateway_method_settings", "throttling")).toMatchObject({
      method_path: "*/*",
      settings: {
        throttling_rate_limit: 100,
        throttling_burst_limit: 200,
        metrics_enabled: true,
        logging_level: "ERROR",
        data_trace_enabled: false,
      },
    });
  });

  test("CQRS_API_ACCESS_LOGS=off: no access log settings and no execution logging", () => {
    const { json: quiet } = synthDirect(defaultConfig({ CQRS_API_ACCESS_LOGS: "off" }));
    expect(resourceNamed(quiet, "aws_api_gateway_stage", "stage")).not.toHaveProperty("access_log_settings");
    expect(resourceNamed(quiet, "aws_api_gateway_method_settings", "throttling")).toMatchObject({
      settings: { logging_level: "OFF" },
    });
  });

  test("the deployment is replaced whenever API content changes", () => {
    const deployment = resourceNamed(json, "aws_api_gateway_deployment", "deployment");
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    const trigger = (deployment.triggers as Record<string, string>).redeployment;
    expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\["[0-9a-f]{64}"/);
    for (const type of ["aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_model"]) {
      for (const id of Object.keys(resources(json, type))) {
        expect(trigger).toContain(`${type}.${id}.id`);
      }
    }
  });

  test("every function: nodejs24.x on arm64, zipped bundle with its hash, own log group with retention", () => {
    const functions = Object.entries(resources(json, "aws_lambda_function"));
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      const name = id.split("_function_")[0];
      expect(fn).toMatchObject({
        runtime: "nodejs24.x",
        architectures: ["arm64"],
        handler: "index.handler",
        timeout: 30,
        logging_config: { log_format: "JSON" },
      });
      expect(fn.filename).toMatch(/^\$\{path\.module\}\/assets\/[^/]+\/[0-9A-F]+\/function\.zip$/);
      const zip = readFileSync(path.join(PROJECT_ROOT, ".bundles", name, "function.zip"));
      expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
      const logGroup = resourceNamed(json, "aws_cloudwatch_log_group", `${name}_logs`);
      expect(logGroup).toMatchObject({ name: `/aws/lambda/${fn.function_name}`, retention_in_days: 30 });
    }
  });

  test("outputs the invoke URL and table names", () => {
    expect(json.output.api_url.value).toBe(ref(json, "aws_api_gateway_stage", "stage", "invoke_url"));
    expect(json.output.details_table_name.value).toBe(ref(json, "aws_dynamodb_table", "details", "name"));
    expect(json.output.summary_table_name.value).toBe(ref(json, "aws_dynamodb_table", "summary", "name"));
  });
});

describe("configuration reaches the synthesized stacks", () => {
  test("state bucket, region, prefix, environment and capacities come from CQRS_ settings", () => {
    const config = defaultConfig({
      AWS_REGION: "eu-west-1",
      CQRS_ENVIRONMENT: "prod",
      CQRS_STATE_BUCKET: "acme-terraform-state",
      CQRS_STATE_REGION: "eu-central-1",
      CQRS_STATE_KEY_PREFIX: "teams/orders",
      CQRS_DIRECT_SUMMARY_WCU: "7",
      CQRS_STAGE_NAME: "v1",
    });
    const { json } = synthDirect(config);
    expect(json.terraform.backend.s3).toMatchObject({
      bucket: "acme-terraform-state",
      region: "eu-central-1",
      key: "teams/orders/prod/eu-west-1/direct-projection.tfstate",
    });
    expect(json.provider.aws[0]).toMatchObject({ region: "eu-west-1" });
    expect(resourceNamed(json, "aws_dynamodb_table", "summary")).toMatchObject({
      name: "cqrs-direct-prod-summary",
      write_capacity: 7,
    });
    expect(resourceNamed(json, "aws_api_gateway_integration", "post-order").uri).toBe(
      `arn:${PARTITION}:apigateway:eu-west-1:dynamodb:action/PutItem`,
    );
    expect(resourceNamed(json, "aws_api_gateway_stage", "stage").stage_name).toBe("v1");
  });
});

describe("alarms", () => {
  test("direct: failure queue (content and expiry), summary throttling, errors, iterator age, API 5xx", () => {
    const { json } = synthDirect();
    const alarms = Object.values(resources(json, "aws_cloudwatch_metric_alarm"));
    expect(alarms.map((a) => a.metric_name).sort()).toEqual([
      "5XXError",
      "ApproximateAgeOfOldestMessage",
      "ApproximateNumberOfMessagesVisible",
      "Errors",
      "IteratorAge",
      "ReadThrottleEvents",
      "WriteThrottleEvents",
    ]);
    expect(alarms.find((a) => a.metric_name === "ReadThrottleEvents")?.dimensions).toEqual({
      TableName: ref(json, "aws_dynamodb_table", "summary", "name"),
    });
    expect(alarms.find((a) => a.metric_name === "5XXError")).toMatchObject({
      namespace: "AWS/ApiGateway",
      statistic: "Average",
      threshold: 0.05,
      dimensions: {
        ApiName: ref(json, "aws_api_gateway_rest_api", "api", "name"),
        Stage: ref(json, "aws_api_gateway_stage", "stage", "stage_name"),
      },
    });
    expect(alarms.find((a) => a.metric_name === "ApproximateAgeOfOldestMessage")).toMatchObject({
      dimensions: { QueueName: ref(json, "aws_sqs_queue", "on-failure", "name") },
      threshold: 13 * 24 * 3600,
    });
    expect(alarms.find((a) => a.metric_name === "WriteThrottleEvents")?.dimensions).toEqual({
      TableName: ref(json, "aws_dynamodb_table", "summary", "name"),
    });
    expect(alarms.every((a) => a.alarm_actions === undefined)).toBe(true);
  });

  test("queued: the DLQ and the forwarding failures both alarm; actions go to the configured topic", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const { json } = synthQueued(defaultConfig({ CQRS_ALARM_TOPIC_ARN: topic }));
    const alarms = Object.values(resources(json, "aws_cloudwatch_metric_alarm"));
    const queueAlarms = alarms.filter((a) => a.metric_name === "ApproximateNumberOfMessagesVisible");
    expect(queueAlarms.map((a) => (a.dimensions as { QueueName: string }).QueueName).sort()).toEqual(
      [
        ref(json, "aws_sqs_queue", "dead-letter", "name"),
        ref(json, "aws_sqs_queue", "on-failure", "name"),
      ].sort(),
    );
    expect(alarms.filter((a) => a.metric_name === "Errors")).toHaveLength(2);
    const ageThresholds = Object.fromEntries(
      alarms
        .filter((a) => a.metric_name === "ApproximateAgeOfOldestMessage")
        .map((a) => [(a.dimensions as { QueueName: string }).QueueName, a.threshold]),
    );
    expect(ageThresholds).toEqual({
      [ref(json, "aws_sqs_queue", "summary-updates_queue", "name")]: 3600,
      [ref(json, "aws_sqs_queue", "dead-letter", "name")]: 3 * 24 * 3600,
      [ref(json, "aws_sqs_queue", "on-failure", "name")]: 13 * 24 * 3600,
    });
    expect(alarms.every((a) => JSON.stringify(a.alarm_actions) === JSON.stringify([topic]))).toBe(true);
  });

  test("an alarm topic that is not an SNS ARN is refused", () => {
    expect(() => defaultConfig({ CQRS_ALARM_TOPIC_ARN: "oncall" })).toThrow(
      /CQRS_ALARM_TOPIC_ARN must be an SNS topic ARN/,
    );
  });
});

describe("CQRS_WAF", () => {
  test("off by default", () => {
    expect(resources(synthDirect().json, "aws_wafv2_web_acl")).toEqual({});
  });

  test("true: a regional web ACL on the stage with a per-IP rate limit, managed rule groups and logs", () => {
    const { json } = synthQueued(defaultConfig({ CQRS_WAF: "true", CQRS_WAF_RATE_LIMIT: "500" }));
    const acl = resourceNamed(json, "aws_wafv2_web_acl", "waf");
    expect(acl).toMatchObject({ scope: "REGIONAL", default_action: { allow: {} } });
    const rules = acl.rule as { name: string; priority: number; statement: Record<string, unknown> }[];
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, "rate-limit-per-ip"],
      [1, "AWSManagedRulesCommonRuleSet"],
      [2, "AWSManagedRulesKnownBadInputsRuleSet"],
    ]);
    expect(rules[0].statement).toEqual({
      rate_based_statement: { limit: 500, aggregate_key_type: "IP", evaluation_window_sec: 300 },
    });
    expect(resourceNamed(json, "aws_wafv2_web_acl_association", "waf")).toEqual(
      expect.objectContaining({
        resource_arn: ref(json, "aws_api_gateway_stage", "stage", "arn"),
        web_acl_arn: ref(json, "aws_wafv2_web_acl", "waf", "arn"),
      }),
    );
    expect(resourceNamed(json, "aws_cloudwatch_log_group", "waf").name).toBe(
      "aws-waf-logs-cqrs-queued-dev-orders",
    );
    expect(
      resourceNamed(json, "aws_wafv2_web_acl_logging_configuration", "waf").log_destination_configs,
    ).toEqual([ref(json, "aws_cloudwatch_log_group", "waf", "arn")]);
  });

  test("core rules that inspect what the order contract lets a client send only count; the rest block", () => {
    const { json } = synthDirect(defaultConfig({ CQRS_WAF: "true" }));
    const rules = resourceNamed(json, "aws_wafv2_web_acl", "waf").rule as {
      name: string;
      override_action?: unknown;
      statement: { managed_rule_group_statement?: { name: string; rule_action_override: unknown[] } };
    }[];
    const overrides = Object.fromEntries(
      rules.slice(1).map((r) => [r.name, r.statement.managed_rule_group_statement?.rule_action_override]),
    );
    const counted = (...names: string[]) => names.map((name) => ({ name, action_to_use: { count: {} } }));
    expect(overrides).toEqual({
      AWSManagedRulesCommonRuleSet: counted(
        "NoUserAgent_HEADER",
        "SizeRestrictions_BODY",
        "EC2MetaDataSSRF_BODY",
        "EC2MetaDataSSRF_URIPATH",
        "GenericLFI_BODY",
        "GenericLFI_URIPATH",
        "GenericRFI_BODY",
        "GenericRFI_URIPATH",
        "RestrictedExtensions_URIPATH",
        "CrossSiteScripting_BODY",
        "CrossSiteScripting_URIPATH",
      ),
      // Log4j, Java deserialization and exploitable paths stay blocked (the contract says so).
      AWSManagedRulesKnownBadInputsRuleSet: undefined,
    });
    // The groups' own actions stand for every other rule: the override is per rule, not on the group.
    for (const rule of rules.slice(1)) expect(rule.override_action).toEqual({ none: {} });
  });

  test("a rate limit out of range names the setting", () => {
    expect(() => defaultConfig({ CQRS_WAF: "true", CQRS_WAF_RATE_LIMIT: "5" })).toThrow(
      'CQRS_WAF_RATE_LIMIT must be an integer from 10 to 2000000000, got "5"',
    );
  });
});

test("the REST API is replaced create-before-destroy", () => {
  expect(resourceNamed(synthDirect().json, "aws_api_gateway_rest_api", "orders-api").lifecycle).toEqual({
    create_before_destroy: true,
  });
});

describe("summary read throttle", () => {
  test("follows the configured read capacity", () => {
    const { json } = synthDirect(defaultConfig({ CQRS_DIRECT_SUMMARY_RCU: "7" }));
    expect(resourceNamed(json, "aws_api_gateway_method_settings", "summary-read-throttle").settings).toEqual({
      throttling_rate_limit: 14,
      throttling_burst_limit: 14,
      metrics_enabled: true,
      logging_level: "ERROR",
      data_trace_enabled: false,
    });
  });

  test.each([
    ["/{accountid}", "GET", "~1{accountid}/GET"],
    ["/orders/{id}/lines", "POST", "~1orders~1{id}~1lines/POST"],
  ])("the method settings key of %s %s is %s", (resourcePath, method, key) => {
    expect(methodSettingsPath(resourcePath, method)).toBe(key);
  });
});
