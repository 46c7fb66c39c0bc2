import {
  ref,
  resourceNamed,
  resources,
  sortedStatements,
  statementsOfRole,
  synthQueued,
  type TerraformJson,
  XRAY_STATEMENT,
} from "./synth-helpers";

describe("queued-projection", () => {
  let text: string;
  let json: TerraformJson;
  beforeAll(() => {
    ({ text, json } = synthQueued());
  });

  test("matches the snapshot", () => {
    expect(text).toMatchSnapshot();
  });

  test("has two functions, two mappings, the updates queue, its DLQ and the failure queue", () => {
    expect(Object.keys(resources(json, "aws_lambda_function"))).toHaveLength(2);
    expect(Object.keys(resources(json, "aws_lambda_event_source_mapping"))).toHaveLength(2);
    expect(Object.keys(resources(json, "aws_sqs_queue"))).toHaveLength(3);
  });

  test("the updates queue redrives to the DLQ after maxReceiveCount and waits 6x the consumer timeout", () => {
    const queue = resourceNamed(json, "aws_sqs_queue", "summary-updates_queue");
    expect(queue).toMatchObject({ name: "cqrs-queued-dev-summary-updates", sqs_managed_sse_enabled: true });
    expect(JSON.parse(queue.redrive_policy as string)).toEqual({
      deadLetterTargetArn: ref(json, "aws_sqs_queue", "dead-letter", "arn"),
      maxReceiveCount: 5,
    });
    const consumer = resourceNamed(json, "aws_lambda_function", "apply-summary");
    expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * (consumer.timeout as number));
  });

  test("apply-summary's write budget is the summary table's write capacity over the mapping's maximum concurrency", () => {
    const consumer = resourceNamed(json, "aws_lambda_function", "apply-summary");
    const mapping = resourceNamed(json, "aws_lambda_event_source_mapping", "summary-updates-mapping");
    const table = resourceNamed(json, "aws_dynamodb_table", "tables_summary");
    const concurrency = (mapping.scaling_config as { maximum_concurrency: number }).maximum_concurrency;
    const variables = (consumer.environment as { variables: Record<string, string> }).variables;
    expect(Number(variables.SUMMARY_WRITE_UNITS_PER_SECOND) * concurrency).toBe(table.write_capacity);
  });

  test("the DLQ keeps messages 14 days and allows redrive back to the updates queue only", () => {
    expect(resourceNamed(json, "aws_sqs_queue", "dead-letter")).toMatchObject({
      name: "cqrs-queued-dev-summary-updates-dlq",
      message_retention_seconds: 1209600,
    });
    const allow = resourceNamed(json, "aws_sqs_queue_redrive_allow_policy", "redrive-allow");
    expect(allow.queue_url).toBe(ref(json, "aws_sqs_queue", "dead-letter", "url"));
    expect(JSON.parse(allow.redrive_allow_policy as string)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [ref(json, "aws_sqs_queue", "summary-updates_queue", "arn")],
    });
  });

  test("the stream mapping feeds forward-to-queue with bounded retries and a failure queue", () => {
    const mapping = resourceNamed(json, "aws_lambda_event_source_mapping", "details-stream");
    expect(mapping).toMatchObject({
      event_source_arn: ref(json, "aws_dynamodb_table", "details", "stream_arn"),
      function_name: ref(json, "aws_lambda_function", "forward-to-queue", "arn"),
      starting_position: "TRIM_HORIZON",
      // Bounded by the window, not a count: a batch is packed into one or a few messages.
      batch_size: 10_000,
      maximum_batching_window_in_seconds: 5,
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 5,
      maximum_record_age_in_seconds: 3600,
      function_response_types: ["ReportBatchItemFailures"],
      destination_config: {
        on_failure: { destination_arn: ref(json, "aws_sqs_queue", "on-failure", "arn") },
      },
    });
  });

  test("the queue mapping bounds apply-summary's concurrency and reports items", () => {
    const mapping = resourceNamed(json, "aws_lambda_event_source_mapping", "summary-updates-mapping");
    const { "//": _metadata, depends_on: _dependsOn, ...settings } = mapping;
    expect(settings).toEqual({
      event_source_arn: ref(json, "aws_sqs_queue", "summary-updates_queue", "arn"),
      function_name: ref(json, "aws_lambda_function", "apply-summary", "arn"),
      batch_size: 500,
      maximum_batching_window_in_seconds: 1,
      scaling_config: { maximum_concurrency: 2 },
      function_response_types: ["ReportBatchItemFailures"],
    });
  });

  test("forward-to-queue may only read the stream, report failures and send to the updates queue", () => {
    const logGroupArn = ref(json, "aws_cloudwatch_log_group", "forward-to-queue_logs", "arn");
    expect(resourceNamed(json, "aws_lambda_function", "forward-to-queue")).toMatchObject({
      environment: {
        variables: { SUMMARY_QUEUE_URL: ref(json, "aws_sqs_queue", "summary-updates_queue", "url") },
      },
    });
    expect(statementsOfRole(json, "forward-to-queue_role")).toEqual(
      sortedStatements([
        XRAY_STATEMENT,
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroupArn}:*`],
        },
        {
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [ref(json, "aws_sqs_queue", "summary-updates_queue", "arn")],
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

  test("apply-summary may only consume the updates queue, send to it what its budget defers, and write the summary and ledger", () => {
    const logGroupArn = ref(json, "aws_cloudwatch_log_group", "apply-summary_logs", "arn");
    expect(statementsOfRole(json, "apply-summary_role")).toEqual(
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
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          Resource: [ref(json, "aws_sqs_queue", "summary-updates_queue", "arn")],
        },
        {
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [ref(json, "aws_sqs_queue", "summary-updates_queue", "arn")],
        },
      ]),
    );
    expect(resourceNamed(json, "aws_lambda_function", "apply-summary")).toMatchObject({
      environment: {
        variables: {
          SUMMARY_QUEUE_URL: ref(json, "aws_sqs_queue", "summary-updates_queue", "url"),
          SUMMARY_QUEUE_MAX_RECEIVE_COUNT: "5",
        },
      },
    });
  });

  test("outputs every queue URL", () => {
    expect(json.output.summary_updates_queue_url.value).toBe(
      ref(json, "aws_sqs_queue", "summary-updates_queue", "url"),
    );
    expect(json.output.summary_updates_dlq_url.value).toBe(ref(json, "aws_sqs_queue", "dead-letter", "url"));
    expect(json.output.failure_queue_url.value).toBe(ref(json, "aws_sqs_queue", "on-failure", "url"));
  });
});
