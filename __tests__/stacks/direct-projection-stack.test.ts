import {
  ref,
  resourceNamed,
  resources,
  sortedStatements,
  statementsOfRole,
  synthDirect,
  type TerraformJson,
  XRAY_STATEMENT,
} from "./synth-helpers";

describe("direct-projection", () => {
  let text: string;
  let json: TerraformJson;
  beforeAll(() => {
    ({ text, json } = synthDirect());
  });

  test("matches the snapshot", () => {
    expect(text).toMatchSnapshot();
  });

  test("has one function, one stream mapping, one failure queue", () => {
    expect(Object.keys(resources(json, "aws_lambda_function"))).toHaveLength(1);
    expect(Object.keys(resources(json, "aws_lambda_event_source_mapping"))).toHaveLength(1);
    expect(Object.keys(resources(json, "aws_sqs_queue"))).toHaveLength(1);
    expect(Object.keys(resources(json, "aws_dynamodb_table"))).toHaveLength(3);
  });

  test("project-summary gets the summary and ledger table names", () => {
    expect(resourceNamed(json, "aws_lambda_function", "project-summary")).toMatchObject({
      function_name: "cqrs-direct-dev-project-summary",
      environment: {
        variables: {
          SUMMARY_TABLE_NAME: ref(json, "aws_dynamodb_table", "summary", "name"),
          LEDGER_TABLE_NAME: ref(json, "aws_dynamodb_table", "ledger", "name"),
          POWERTOOLS_SERVICE_NAME: "project-summary",
        },
      },
    });
  });

  test("the stream mapping retries boundedly, bisects, reports items and keeps failures", () => {
    const mapping = resourceNamed(json, "aws_lambda_event_source_mapping", "mapping");
    const { "//": _metadata, depends_on: _dependsOn, ...settings } = mapping;
    expect(settings).toEqual({
      event_source_arn: ref(json, "aws_dynamodb_table", "details", "stream_arn"),
      function_name: ref(json, "aws_lambda_function", "project-summary", "arn"),
      starting_position: "TRIM_HORIZON",
      batch_size: 100,
      maximum_batching_window_in_seconds: 1,
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 5,
      maximum_record_age_in_seconds: 3600,
      function_response_types: ["ReportBatchItemFailures"],
      destination_config: {
        on_failure: { destination_arn: ref(json, "aws_sqs_queue", "on-failure", "arn") },
      },
    });
  });

  test("project-summary may do exactly what it uses", () => {
    const logGroupArn = ref(json, "aws_cloudwatch_log_group", "project-summary_logs", "arn");
    expect(statementsOfRole(json, "project-summary_role")).toEqual(
      sortedStatements([
        XRAY_STATEMENT,
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroupArn}:*`],
        },
        {
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem"],
          Resource: [ref(json, "aws_dynamodb_table", "summary", "arn")],
        },
        {
          Effect: "Allow",
          Action: ["dynamodb:Query", "dynamodb:UpdateItem"],
          Resource: [ref(json, "aws_dynamodb_table", "ledger", "arn")],
        },
        {
          Effect: "Allow",
          Action: [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
          ],
          Resource: [ref(json, "aws_dynamodb_table", "details", "stream_arn")],
        },
        {
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [ref(json, "aws_sqs_queue", "on-failure", "arn")],
        },
      ]),
    );
  });

  test("outputs the failure queue URL", () => {
    expect(json.output.failure_queue_url.value).toBe(ref(json, "aws_sqs_queue", "on-failure", "url"));
  });
});
