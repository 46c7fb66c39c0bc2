/**
 * Security properties of the synthesized stacks that checkov does not judge (`npm run scan` does the rest):
 * event source mapping bounds and destinations, TLS-only queue policies that name who may send, no
 * wildcard actions, encryption with and without a customer managed key, deletion protection, retention.
 */

import { LEDGER_TTL_SECONDS } from "../../functions/summary/ledger";
import { loadConfig } from "../../stacks/config";
import { FOURTEEN_DAYS_SECONDS, WORK_QUEUE_RETENTION_SECONDS } from "../../stacks/constructs/queue";
import { visibilityTimeoutFor } from "../../stacks/queued-projection-stack";
import { EXAMPLE_KMS_KEY_ARN, SCAN_VARIANTS } from "../../tools/checkov/variants";
import {
  defaultConfig,
  ref,
  resourceNamed,
  resources,
  synthAccountSetup,
  synthDirect,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every policy document of a stack: inline role policies, trust policies, queue and bucket policies. */
function policyDocuments(json: TerraformJson): { where: string; statements: PolicyStatement[] }[] {
  const documents: { where: string; statements: PolicyStatement[] }[] = [];
  for (const [type, byId] of Object.entries(json.resource)) {
    for (const [id, resource] of Object.entries(byId)) {
      for (const attribute of ["policy", "assume_role_policy"]) {
        const text = resource[attribute];
        if (typeof text !== "string") continue;
        documents.push({ where: `${type}.${id}.${attribute}`, statements: JSON.parse(text).Statement });
      }
    }
  }
  return documents;
}

const STACKS = [
  ["direct-projection", synthDirect],
  ["queued-projection", synthQueued],
] as const;

/** Both projection stacks under every scanned variant. */
const PROJECTION_CASES = SCAN_VARIANTS.flatMap((variant) =>
  STACKS.map(([stack, synth]) => ({ name: `${variant.name}/${stack}`, env: variant.env, synth })),
);

describe.each(PROJECTION_CASES)("$name", ({ env, synth }) => {
  const config = loadConfig(env);
  let json: TerraformJson;
  beforeAll(() => {
    ({ json } = synth(config));
  });

  test("stream mappings: bounded retries and age, bisection, item failures, an on-failure queue of the stack", () => {
    const mappings = Object.values(resources(json, "aws_lambda_event_source_mapping")).filter(
      (m) => m.starting_position !== undefined,
    );
    expect(mappings).toHaveLength(1);
    const queueArns = Object.keys(resources(json, "aws_sqs_queue")).map(
      (id) => `\${aws_sqs_queue.${id}.arn}`,
    );
    for (const mapping of mappings) {
      expect(mapping).toMatchObject({
        event_source_arn: ref(json, "aws_dynamodb_table", "details", "stream_arn"),
        starting_position: "TRIM_HORIZON",
        bisect_batch_on_function_error: true,
        maximum_retry_attempts: config.stream.maximumRetryAttempts,
        maximum_record_age_in_seconds: config.stream.maximumRecordAgeInSeconds,
        function_response_types: ["ReportBatchItemFailures"],
      });
      expect(mapping.batch_size as number).toBeLessThanOrEqual(10_000);
      expect(mapping.maximum_retry_attempts as number).toBeGreaterThanOrEqual(0);
      expect(mapping.maximum_record_age_in_seconds as number).toBeGreaterThan(0);
      const destination = (mapping.destination_config as { on_failure: { destination_arn: string } })
        .on_failure.destination_arn;
      expect(queueArns).toContain(destination);
    }
  });

  test("every queue is encrypted and has one policy: TLS only, sends only from named roles, nothing allowed", () => {
    const policies = Object.values(resources(json, "aws_sqs_queue_policy"));
    for (const [id, queue] of Object.entries(resources(json, "aws_sqs_queue"))) {
      if (config.encryption.kmsKeyArn) expect(queue.kms_master_key_id).toBe(config.encryption.kmsKeyArn);
      else expect(queue.sqs_managed_sse_enabled).toBe(true);

      const arn = `\${aws_sqs_queue.${id}.arn}`;
      const mine = policies.filter((p) => p.queue_url === `\${aws_sqs_queue.${id}.url}`);
      expect(mine).toHaveLength(1);
      const statements = JSON.parse(mine[0].policy as string).Statement as PolicyStatement[];
      expect(statements.every((s) => s.Effect === "Deny" && s.Principal === "*" && s.Resource === arn)).toBe(
        true,
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: "sqs:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      );
      const denySend = statements.filter((s) => s.Action === "sqs:SendMessage");
      expect(denySend).toHaveLength(1);
      const senders = denySend[0].Condition?.ArnNotLike?.["aws:PrincipalArn"];
      if (id.includes("dead-letter")) expect(denySend[0].Condition).toBeUndefined();
      else expect((senders as string[]).length).toBeGreaterThan(0);
    }
  });

  test("each on-failure queue accepts sends only from the role its mapping's function runs with", () => {
    for (const mapping of Object.values(resources(json, "aws_lambda_event_source_mapping"))) {
      if (mapping.starting_position === undefined) continue;
      const destination = (mapping.destination_config as { on_failure: { destination_arn: string } })
        .on_failure.destination_arn;
      const queueId = destination.split(".")[1];
      const functionId = (mapping.function_name as string).split(".")[1];
      const role = resources(json, "aws_lambda_function")[functionId].role;
      const policy = Object.values(resources(json, "aws_sqs_queue_policy")).find(
        (p) => p.queue_url === `\${aws_sqs_queue.${queueId}.url}`,
      );
      const statements = JSON.parse(policy?.policy as string).Statement as PolicyStatement[];
      expect(statements.find((s) => s.Action === "sqs:SendMessage")?.Condition).toEqual({
        ArnNotLike: { "aws:PrincipalArn": [role] },
      });
    }
  });

  test("no Allow has a wildcard action; Resource * only for the two X-Ray actions; wildcard Deny only for TLS", () => {
    for (const { where, statements } of policyDocuments(json)) {
      for (const statement of statements) {
        const actions = list(statement.Action);
        if (statement.Effect === "Allow") {
          expect({ where, wildcard: actions.filter((a) => a.includes("*")) }).toEqual({
            where,
            wildcard: [],
          });
          if (list(statement.Resource).includes("*")) {
            expect({ where, actions }).toEqual({
              where,
              actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            });
          }
        } else if (actions.some((a) => a.includes("*"))) {
          expect({ where, condition: statement.Condition }).toEqual({
            where,
            condition: { Bool: { "aws:SecureTransport": "false" } },
          });
        }
      }
    }
  });

  test("functions trace actively; tables are encrypted, with the CMK when configured", () => {
    for (const fn of Object.values(resources(json, "aws_lambda_function"))) {
      expect(fn.tracing_config).toEqual({ mode: "Active" });
    }
    for (const table of Object.values(resources(json, "aws_dynamodb_table"))) {
      expect(table.server_side_encryption).toEqual(
        config.encryption.kmsKeyArn
          ? { enabled: true, kms_key_arn: config.encryption.kmsKeyArn }
          : { enabled: true },
      );
      expect(table.point_in_time_recovery).toEqual({ enabled: true });
    }
  });

  test("KMS permissions exist exactly when a customer managed key is configured, on that key only", () => {
    const kmsStatements = policyDocuments(json)
      .flatMap((d) => d.statements)
      .filter((s) => list(s.Action).some((a) => a.startsWith("kms:")));
    if (!config.encryption.kmsKeyArn) {
      expect(kmsStatements).toEqual([]);
      return;
    }
    expect(kmsStatements.length).toBeGreaterThan(0);
    for (const statement of kmsStatements) expect(statement.Resource).toEqual([config.encryption.kmsKeyArn]);
  });

  test("orders are create-only: a conditional PutItem, and the API role can neither update nor delete", () => {
    const post = resourceNamed(json, "aws_api_gateway_integration", "post-order");
    expect(post.uri).toMatch(/:dynamodb:action\/PutItem$/);
    const template = (post.request_templates as Record<string, string>)["application/json"];
    expect(template).toContain('"ConditionExpression": "attribute_not_exists(#accountid) OR (');
    const apiActions = policyDocuments(json)
      .filter((d) => d.where.includes("orders-api_dynamodb-access"))
      .flatMap((d) => d.statements)
      .flatMap((s) => list(s.Action))
      .filter((a) => a.startsWith("dynamodb:"));
    expect(apiActions.sort()).toEqual(["dynamodb:GetItem", "dynamodb:PutItem"]);
  });

  test("deletion protection on the details table only, on for production-like environments", () => {
    expect(resourceNamed(json, "aws_dynamodb_table", "details").deletion_protection_enabled).toBe(
      config.detailsDeletionProtection,
    );
    expect(resourceNamed(json, "aws_dynamodb_table", "summary").deletion_protection_enabled).toBeUndefined();
    expect(resourceNamed(json, "aws_dynamodb_table", "ledger").deletion_protection_enabled).toBeUndefined();
  });
});

describe("account-setup", () => {
  test("no Allow has a wildcard action; the only wildcard Deny is the state bucket's TLS statement", () => {
    const { json } = synthAccountSetup();
    for (const { statements } of policyDocuments(json)) {
      for (const statement of statements) {
        const wildcard = list(statement.Action).some((a) => a.includes("*"));
        if (statement.Effect === "Allow") expect(wildcard).toBe(false);
        else if (wildcard) expect(statement.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
      }
    }
  });
});

describe("queued-projection: who may send to the summary-updates queue", () => {
  test("the forwarder, apply-summary (deferring what its budget cannot pay for), the stack's redrive role, then the configured DLQ redrivers; the DLQ accepts no direct send", () => {
    const redriver = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Ops_*";
    const { json } = synthQueued(defaultConfig({ CQRS_QUEUE_REDRIVE_ROLE_ARNS: redriver }));
    const policyOf = (queuePart: string) =>
      JSON.parse(
        (Object.values(resources(json, "aws_sqs_queue_policy")).find(
          (p) => p.queue_url === ref(json, "aws_sqs_queue", queuePart, "url"),
        )?.policy as string) ?? "{}",
      ).Statement as PolicyStatement[];
    expect(policyOf("summary-updates_queue").find((s) => s.Action === "sqs:SendMessage")?.Condition).toEqual({
      ArnNotLike: {
        "aws:PrincipalArn": [
          ref(json, "aws_iam_role", "forward-to-queue_role", "arn"),
          ref(json, "aws_iam_role", "apply-summary_role", "arn"),
          ref(json, "aws_iam_role", "dlq-redrive", "arn"),
          redriver,
        ],
      },
    });
    expect(policyOf("dead-letter").find((s) => s.Action === "sqs:SendMessage")).toEqual({
      Sid: "NoDirectSends",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: ref(json, "aws_sqs_queue", "dead-letter", "arn"),
    });
  });

  test("the SQS mapping bounds concurrency, reports item failures, and the queue outlasts its consumer", () => {
    const config = defaultConfig();
    const { json } = synthQueued(config);
    const mapping = Object.values(resources(json, "aws_lambda_event_source_mapping")).find(
      (m) => m.starting_position === undefined,
    );
    expect(mapping).toMatchObject({
      event_source_arn: ref(json, "aws_sqs_queue", "summary-updates_queue", "arn"),
      scaling_config: { maximum_concurrency: config.queue.maximumConcurrency },
      function_response_types: ["ReportBatchItemFailures"],
    });
    expect(resourceNamed(json, "aws_sqs_queue", "summary-updates_queue").visibility_timeout_seconds).toBe(
      visibilityTimeoutFor(config.functionTimeoutSeconds, config.queue.maximumBatchingWindowInSeconds),
    );
  });

  test("retention: work queue 10 days under a 14-day DLQ, and no redelivery outlives the ledger", () => {
    const { json } = synthQueued();
    const work = resourceNamed(json, "aws_sqs_queue", "summary-updates_queue")
      .message_retention_seconds as number;
    const dlq = resourceNamed(json, "aws_sqs_queue", "dead-letter").message_retention_seconds as number;
    expect([work, dlq]).toEqual([WORK_QUEUE_RETENTION_SECONDS, FOURTEEN_DAYS_SECONDS]);
    // A moved message keeps its enqueue time, so its whole life is bounded by the DLQ retention; before the
    // queue, a stream record lives at most 24 hours.
    expect(work).toBeLessThan(dlq);
    expect(24 * 3600 + dlq).toBeLessThanOrEqual(LEDGER_TTL_SECONDS);
  });
});

describe("customer managed key: each role gets exactly the key actions its calls need", () => {
  const kmsActionsOf = (json: TerraformJson, rolePart: string) => {
    const roleRef = ref(json, "aws_iam_role", rolePart, "id");
    return [
      ...new Set(
        Object.values(resources(json, "aws_iam_role_policy"))
          .filter((policy) => policy.role === roleRef)
          .flatMap((policy) => JSON.parse(policy.policy as string).Statement as PolicyStatement[])
          .flatMap((s) => list(s.Action))
          .filter((a) => a.startsWith("kms:")),
      ),
    ].sort();
  };
  const config = defaultConfig({ CQRS_KMS_KEY_ARN: EXAMPLE_KMS_KEY_ARN });

  test("queued-projection", () => {
    const { json } = synthQueued(config);
    expect(kmsActionsOf(json, "orders-api_role")).toEqual([
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
    ]);
    // Reads the stream (Decrypt), sends to the updates and failure queues (GenerateDataKey, Decrypt).
    expect(kmsActionsOf(json, "forward-to-queue_role")).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    // Receives from the queue (Decrypt), writes summary and ledger.
    expect(kmsActionsOf(json, "apply-summary_role")).toEqual([
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
    ]);
  });

  test("the queue consumer's own grant holds what a move into the encrypted DLQ needs", () => {
    const { json } = synthQueued(config);
    const consume = resourceNamed(json, "aws_iam_role_policy", "consume-summary-updates");
    expect(consume.role).toBe(ref(json, "aws_iam_role", "apply-summary_role", "id"));
    expect(JSON.parse(consume.policy as string).Statement).toContainEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [EXAMPLE_KMS_KEY_ARN],
    });
  });

  test("direct-projection", () => {
    const { json } = synthDirect(config);
    expect(kmsActionsOf(json, "project-summary_role")).toEqual([
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
    ]);
  });
});
