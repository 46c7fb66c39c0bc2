/**
 * Names of the stacks' Terraform outputs: the stacks declare them, the tools (verify, demo, reconcile, bench,
 * the rehearsals) read them from `terraform output` or the local runtime's resolved outputs.
 */
export const OUTPUTS = {
  /** Every projection stack. */
  apiUrl: "api_url",
  apiAuth: "api_auth",
  detailsTableName: "details_table_name",
  summaryTableName: "summary_table_name",
  ledgerTableName: "ledger_table_name",
  /** With IAM authorization only. */
  apiInvokeResourceArn: "api_invoke_resource_arn",
  /** With API keys only. */
  apiKeyId: "api_key_id",
  apiKeyValue: "api_key_value",
  /** The stream mapping's on-failure destination. */
  failureQueueUrl: "failure_queue_url",
  /** queued-projection: its work queue, the queue's DLQ and the role that redrives it. */
  summaryUpdatesQueueUrl: "summary_updates_queue_url",
  summaryUpdatesDlqUrl: "summary_updates_dlq_url",
  summaryUpdatesDlqArn: "summary_updates_dlq_arn",
  dlqRedriveRoleArn: "dlq_redrive_role_arn",
} as const;

/** The outputs that hold a queue's URL: what reconcile and verify watch for messages left behind. */
export const QUEUE_URL_OUTPUTS: readonly string[] = [
  OUTPUTS.failureQueueUrl,
  OUTPUTS.summaryUpdatesQueueUrl,
  OUTPUTS.summaryUpdatesDlqUrl,
];

export const ACCOUNT_SETUP_OUTPUTS = {
  apiGatewayCloudwatchRoleArn: "api_gateway_cloudwatch_role_arn",
  stateBucket: "state_bucket",
} as const;
