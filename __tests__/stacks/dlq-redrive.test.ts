/**
 * A DLQ redrive back into summary-updates works with the default settings: the stack's redrive role is
 * allowed every call a StartMessageMoveTask makes, and no queue policy denies it. The evaluation below
 * covers exactly the policy elements the stacks use (Allow/Deny, Action, Resource, and the two condition
 * operators of the queue policies); anything else fails the test rather than being guessed.
 */

import { REDRIVE_SOURCE_ACTIONS } from "../../stacks/constructs/dead-letter-redrive";
import { EXAMPLE_KMS_KEY_ARN } from "../../tools/checkov/variants";
import {
  defaultConfig,
  ref,
  resourceNamed,
  resources,
  synthQueued,
  type TerraformJson,
} from "./synth-helpers";

interface Statement {
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value]) as string[];

/** IAM's glob: `*` any run of characters, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(value);
}

interface RequestContext {
  principalArn: string;
  secureTransport: boolean;
}

function conditionHolds(condition: Statement["Condition"], context: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      if (operator === "ArnNotLike" && key === "aws:PrincipalArn") {
        return !list(expected).some((pattern) => globMatches(pattern, context.principalArn));
      }
      if (operator === "Bool" && key === "aws:SecureTransport") {
        return String(context.secureTransport) === expected;
      }
      throw new Error(`condition ${operator} ${key} is not evaluated by this test`);
    }),
  );
}

function applies(statement: Statement, action: string, resource: string, context: RequestContext): boolean {
  return (
    list(statement.Action).some((pattern) => globMatches(pattern, action)) &&
    list(statement.Resource).some((pattern) => globMatches(pattern, resource)) &&
    conditionHolds(statement.Condition, context)
  );
}

function statementsOf(text: unknown): Statement[] {
  return JSON.parse(text as string).Statement;
}

function redriveSetup(json: TerraformJson) {
  const roleArn = ref(json, "aws_iam_role", "dlq-redrive", "arn");
  const roleId = ref(json, "aws_iam_role", "dlq-redrive", "id");
  const identity = Object.values(resources(json, "aws_iam_role_policy"))
    .filter((policy) => policy.role === roleId)
    .flatMap((policy) => statementsOf(policy.policy));
  const queuePolicy = (queuePart: string) =>
    statementsOf(
      Object.values(resources(json, "aws_sqs_queue_policy")).find(
        (policy) => policy.queue_url === ref(json, "aws_sqs_queue", queuePart, "url"),
      )?.policy,
    );
  return {
    roleArn,
    identity,
    dlq: { arn: ref(json, "aws_sqs_queue", "dead-letter", "arn"), policy: queuePolicy("dead-letter") },
    work: {
      arn: ref(json, "aws_sqs_queue", "summary-updates_queue", "arn"),
      policy: queuePolicy("summary-updates_queue"),
    },
  };
}

/** Allowed: some identity statement allows it and no identity or resource statement denies it. */
function allowed(
  identity: Statement[],
  resourcePolicy: Statement[],
  action: string,
  resource: string,
  principalArn: string,
): boolean {
  const context = { principalArn, secureTransport: true };
  const all = [...identity, ...resourcePolicy];
  return (
    identity.some((s) => s.Effect === "Allow" && applies(s, action, resource, context)) &&
    !all.some((s) => s.Effect === "Deny" && applies(s, action, resource, context))
  );
}

describe("default settings", () => {
  const { json } = synthQueued(defaultConfig());
  const setup = redriveSetup(json);

  test("the redrive role may make every call of StartMessageMoveTask, on the DLQ and into summary-updates", () => {
    for (const action of REDRIVE_SOURCE_ACTIONS) {
      expect([
        action,
        allowed(setup.identity, setup.dlq.policy, action, setup.dlq.arn, setup.roleArn),
      ]).toEqual([action, true]);
    }
    expect(allowed(setup.identity, setup.work.policy, "sqs:SendMessage", setup.work.arn, setup.roleArn)).toBe(
      true,
    );
  });

  test("and nothing more: no send into the DLQ, no receive from summary-updates, and others still may not send", () => {
    expect(allowed(setup.identity, setup.dlq.policy, "sqs:SendMessage", setup.dlq.arn, setup.roleArn)).toBe(
      false,
    );
    expect(
      allowed(setup.identity, setup.work.policy, "sqs:ReceiveMessage", setup.work.arn, setup.roleArn),
    ).toBe(false);
    const stranger = "arn:aws:iam::111122223333:role/someone-else";
    const allowAll: Statement[] = [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }];
    expect(allowed(allowAll, setup.work.policy, "sqs:SendMessage", setup.work.arn, stranger)).toBe(false);
  });

  test("the role trusts its own account (whose IAM policies then decide who assumes it)", () => {
    const role = resourceNamed(json, "aws_iam_role", "dlq-redrive");
    expect(statementsOf(role.assume_role_policy)).toEqual([
      {
        Effect: "Allow",
        Principal: {
          AWS: expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.partition\.partition\}:iam::\$\{local\.dlq-redrive_account-id_[A-Z0-9]+\}:root$/,
          ),
        },
        Action: "sts:AssumeRole",
      },
    ]);
    expect(role.name).toBe("cqrs-queued-dev-dlq-redrive-us-east-1");
    const [local] = Object.values(json.locals ?? {});
    expect(local).toBe(`\${element(split(":", ${setup.dlq.arn.slice(2, -1)}), 4)}`);
  });

  test("the DLQ lets SQS move messages back into summary-updates only", () => {
    const allow = resourceNamed(json, "aws_sqs_queue_redrive_allow_policy", "summary-updates");
    expect(JSON.parse(allow.redrive_allow_policy as string)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [setup.work.arn],
    });
  });

  test("the outputs hold what the documented command needs", () => {
    expect(json.output.summary_updates_dlq_arn.value).toBe(setup.dlq.arn);
    expect(json.output.dlq_redrive_role_arn.value).toBe(setup.roleArn);
  });
});

test("with a customer managed key the role gets Decrypt for the DLQ and GenerateDataKey + Decrypt for the destination", () => {
  const { json } = synthQueued(defaultConfig({ CQRS_KMS_KEY_ARN: EXAMPLE_KMS_KEY_ARN }));
  const setup = redriveSetup(json);
  const context = { principalArn: setup.roleArn, secureTransport: true };
  for (const action of ["kms:Decrypt", "kms:GenerateDataKey"]) {
    expect(
      setup.identity.some((s) => s.Effect === "Allow" && applies(s, action, EXAMPLE_KMS_KEY_ARN, context)),
    ).toBe(true);
  }
});

test("roles named in CQRS_QUEUE_REDRIVE_ROLE_ARNS may send too, next to the stack's redrive role", () => {
  const operator = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Ops_*";
  const { json } = synthQueued(defaultConfig({ CQRS_QUEUE_REDRIVE_ROLE_ARNS: operator }));
  const setup = redriveSetup(json);
  const allowAll: Statement[] = [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }];
  const sso =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Ops_12ab";
  expect(allowed(allowAll, setup.work.policy, "sqs:SendMessage", setup.work.arn, sso)).toBe(true);
  expect(allowed(setup.identity, setup.work.policy, "sqs:SendMessage", setup.work.arn, setup.roleArn)).toBe(
    true,
  );
});
