import { resolve } from "node:path";
import { PUSH_TO_CLOUDWATCH_POLICY } from "../../stacks/constructs/api-gateway-cloudwatch-role";
import { defaultConfig, resourceNamed, resources, synthAccountSetup } from "./synth-helpers";

describe("account-setup", () => {
  const { json, text } = synthAccountSetup(defaultConfig({ CQRS_STATE_BUCKET: "acme-tfstate" }));

  test("matches the snapshot", () => {
    expect(synthAccountSetup().text).toMatchSnapshot();
  });

  test("keeps its first state beside cdktf.out, not in it, by a relative path that embeds no machine path", () => {
    const path = json.terraform.backend.local?.path as string;
    expect(json.terraform.backend).toEqual({ local: { path } });
    // Terraform resolves the path from the stack's directory, <outdir>/stacks/account-setup.
    expect(resolve("/project/cdktf.out/stacks/account-setup", path)).toBe(
      "/project/terraform.account-setup.tfstate",
    );
    expect(text).not.toContain(process.cwd());
  });

  test("gives API Gateway its CloudWatch Logs role, with AWS's managed policy for it", () => {
    const role = resourceNamed(json, "aws_iam_role", "api-gateway-logging");
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(resourceNamed(json, "aws_iam_role_policy_attachment", "push-to-cloudwatch").policy_arn).toBe(
      `arn:\${data.aws_partition.partition.partition}:${PUSH_TO_CLOUDWATCH_POLICY}`,
    );
    const account = resourceNamed(json, "aws_api_gateway_account", "account");
    expect(account.cloudwatch_role_arn).toMatch(
      /^\$\{aws_iam_role\.api-gateway-logging_role_[A-Z0-9]+\.arn\}$/,
    );
    expect(account.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy_attachment\./)]);
  });

  test("creates the state bucket versioned, KMS-encrypted, private, TLS-only, with old versions expiring", () => {
    expect(resourceNamed(json, "aws_s3_bucket", "state")).toMatchObject({
      bucket: "acme-tfstate",
      region: "us-east-1",
    });
    expect(resourceNamed(json, "aws_s3_bucket_versioning", "state")).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    expect(resourceNamed(json, "aws_s3_bucket_server_side_encryption_configuration", "state")).toMatchObject({
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
      ],
    });
    expect(resourceNamed(json, "aws_s3_bucket_public_access_block", "state")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resourceNamed(json, "aws_s3_bucket_ownership_controls", "state")).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    const policy = JSON.parse(resourceNamed(json, "aws_s3_bucket_policy", "state").policy as string);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
    const lifecycle = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "state");
    expect(lifecycle.rule).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          status: "Enabled",
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        }),
        expect.objectContaining({
          status: "Enabled",
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        }),
      ]),
    );
  });

  test("puts the bucket in CQRS_STATE_REGION, whatever the stack's region", () => {
    const { json: elsewhere } = synthAccountSetup(
      defaultConfig({ AWS_REGION: "eu-west-1", CQRS_STATE_REGION: "eu-central-1" }),
    );
    expect(elsewhere.provider.aws[0]).toMatchObject({ region: "eu-west-1" });
    for (const [type, byName] of Object.entries(elsewhere.resource).filter(([type]) =>
      type.startsWith("aws_s3_"),
    )) {
      for (const config of Object.values(byName))
        expect([type, config.region]).toEqual([type, "eu-central-1"]);
    }
  });

  test("manages only what it is asked to: an account's existing role or bucket stay out", () => {
    const { json: roleOnly } = synthAccountSetup(defaultConfig({ CQRS_SETUP_STATE_BUCKET: "false" }));
    expect(Object.keys(roleOnly.resource).sort()).toEqual([
      "aws_api_gateway_account",
      "aws_iam_role",
      "aws_iam_role_policy_attachment",
    ]);
    const { json: bucketOnly } = synthAccountSetup(defaultConfig({ CQRS_SETUP_API_GATEWAY_ROLE: "false" }));
    expect(Object.keys(bucketOnly.resource).every((type) => type.startsWith("aws_s3_"))).toBe(true);
    expect(resources(bucketOnly, "aws_api_gateway_account")).toEqual({});
  });

  test("CQRS_SETUP_STATE_BACKEND=s3 moves its state into the bucket, one key per region", () => {
    const { json: inBucket } = synthAccountSetup(
      defaultConfig({
        CQRS_SETUP_STATE_BACKEND: "s3",
        CQRS_STATE_BUCKET: "acme-tfstate",
        AWS_REGION: "eu-west-1",
      }),
    );
    expect(inBucket.terraform.backend).toEqual({
      s3: expect.objectContaining({
        bucket: "acme-tfstate",
        key: "cqrs-projections/account-setup/eu-west-1.tfstate",
        encrypt: true,
        kms_key_id: "alias/aws/s3",
        use_lockfile: true,
      }),
    });
  });

  test("a wrong value names the setting", () => {
    expect(() => defaultConfig({ CQRS_SETUP_STATE_BACKEND: "consul" })).toThrow(
      'CQRS_SETUP_STATE_BACKEND must be one of local, s3, got "consul"',
    );
    expect(() => defaultConfig({ CQRS_API_ACCESS_LOGS: "yes" })).toThrow(
      'CQRS_API_ACCESS_LOGS must be one of on, off, got "yes"',
    );
  });
});
