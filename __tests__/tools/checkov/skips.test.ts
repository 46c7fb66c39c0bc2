import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type Finding, findingsOf, judge, parseSkips } from "../../../tools/checkov/skips";

const finding = (
  checkId: string,
  resource = "aws_lambda_function.f",
  location = "default/direct-projection",
) => ({
  checkId,
  resource,
  location,
});

describe("the checkov skip list", () => {
  test("every skip in .checkov.yaml has a reason and no check is listed twice", () => {
    const skips = parseSkips(readFileSync(path.join(__dirname, "..", "..", "..", ".checkov.yaml"), "utf8"));
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) expect(skip.reason.length).toBeGreaterThan(20);
  });

  test("an entry without a reason is refused", () => {
    expect(() => parseSkips("skip-check:\n  - CKV_AWS_116\n")).toThrow(
      /line 2: expected " {2}- <check id> {2}# <reason>", got "- CKV_AWS_116"/,
    );
  });

  test("a check listed twice is refused", () => {
    expect(() => parseSkips("skip-check:\n  - CKV_AWS_1  # one reason\n  - CKV_AWS_1  # another\n")).toThrow(
      /CKV_AWS_1 is listed twice/,
    );
  });

  test("the list ends at the next top-level key", () => {
    expect(parseSkips("skip-check:\n  # comment\n  - CKV2_AWS_16  # fixed capacity\nframework: x\n")).toEqual(
      [{ id: "CKV2_AWS_16", reason: "fixed capacity" }],
    );
  });
});

describe("the scan verdict", () => {
  const skips = [
    { id: "CKV_AWS_116", reason: "not async" },
    { id: "CKV_AWS_117", reason: "no VPC" },
  ];

  test("failed checks covered by skips pass; the others are reported", () => {
    const findings: Finding[] = [finding("CKV_AWS_116"), finding("CKV_AWS_117"), finding("CKV_AWS_59")];
    const verdict = judge(findings, skips);
    expect(verdict.unexpected).toEqual([finding("CKV_AWS_59")]);
    expect(verdict.stale).toEqual([]);
    expect(verdict.covered.get("CKV_AWS_116")).toBe(1);
  });

  test("a skip scoped to variants covers only findings of those variants", () => {
    const scoped = parseSkips("skip-check:\n  - CKV_AWS_59  # [only: no-auth, demo] the explicit opt-out\n");
    expect(scoped).toEqual([
      { id: "CKV_AWS_59", reason: "the explicit opt-out", variants: ["no-auth", "demo"] },
    ]);
    const inScope = finding("CKV_AWS_59", "m", "no-auth/direct-projection");
    const outOfScope = finding("CKV_AWS_59", "m", "default/direct-projection");
    expect(judge([inScope, outOfScope], scoped).unexpected).toEqual([outOfScope]);
    expect(judge([outOfScope], scoped).stale).toEqual(scoped);
  });

  test("a skip that matches no failed check in any variant is stale", () => {
    const verdict = judge([finding("CKV_AWS_116")], skips);
    expect(verdict.unexpected).toEqual([]);
    expect(verdict.stale).toEqual([{ id: "CKV_AWS_117", reason: "no VPC" }]);
  });

  test("checkov's JSON output becomes findings with the variant and stack; parsing errors are refused", () => {
    const report = (failed: object[], parsingErrors = 0) => ({
      check_type: "terraform_json",
      results: { failed_checks: failed, passed_checks: [] },
      summary: { passed: 3, failed: failed.length, parsing_errors: parsingErrors, checkov_version: "3.3.30" },
    });
    const output = JSON.stringify(
      report([
        {
          check_id: "CKV_AWS_116",
          resource: "resource.project-summary_function_3BA0F372",
          file_path: "/default/direct-projection/cdk.tf.json",
        },
        {
          check_id: "CKV2_AWS_16",
          resource: "aws_dynamodb_table.tables_summary_C6BFA698",
          file_path: "/api-key/queued-projection/cdk.tf.json",
        },
      ]),
    );
    expect(findingsOf(output)).toEqual({
      checkovVersion: "3.3.30",
      passed: 3,
      findings: [
        finding("CKV_AWS_116", "project-summary_function_3BA0F372", "default/direct-projection"),
        finding("CKV2_AWS_16", "tables_summary_C6BFA698", "api-key/queued-projection"),
      ],
    });
    expect(() => findingsOf(JSON.stringify([report([], 1)]))).toThrow(/checkov could not parse 1 file/);
  });
});
