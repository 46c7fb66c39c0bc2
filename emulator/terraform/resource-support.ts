import type { Attributes } from "./terraform-document";

/**
 * What the local runtime does with each resource type. `emulated` attributes change local behaviour;
 * `accepted` ones are understood and have no local effect (tags, retention, IAM...). Anything else on an
 * emulated type is refused, so that a stack never runs locally with a setting silently dropped.
 */
interface TypeSupport {
  emulated: readonly string[];
  accepted: readonly string[];
}

const META = ["//", "depends_on", "lifecycle", "provider", "count", "for_each", "tags", "tags_all", "region"];

export const EMULATED_TYPES: Readonly<Record<string, TypeSupport>> = {
  aws_dynamodb_table: {
    emulated: [
      "name",
      "hash_key",
      "range_key",
      "attribute",
      "billing_mode",
      "read_capacity",
      "write_capacity",
      "stream_enabled",
      "stream_view_type",
      "ttl",
    ],
    accepted: [
      "point_in_time_recovery",
      "deletion_protection_enabled",
      "server_side_encryption",
      "table_class",
    ],
  },
  aws_sqs_queue: {
    emulated: [
      "name",
      "fifo_queue",
      "content_based_deduplication",
      "visibility_timeout_seconds",
      "message_retention_seconds",
      "delay_seconds",
      "receive_wait_time_seconds",
      "max_message_size",
      "redrive_policy",
    ],
    accepted: ["sqs_managed_sse_enabled", "kms_master_key_id", "kms_data_key_reuse_period_seconds"],
  },
  aws_lambda_function: {
    emulated: ["function_name", "handler", "runtime", "filename", "timeout", "memory_size", "environment"],
    accepted: [
      "role",
      "architectures",
      "source_code_hash",
      "logging_config",
      "description",
      "tracing_config",
    ],
  },
  aws_lambda_event_source_mapping: {
    emulated: [
      "event_source_arn",
      "function_name",
      "starting_position",
      "batch_size",
      "maximum_batching_window_in_seconds",
      "bisect_batch_on_function_error",
      "maximum_retry_attempts",
      "maximum_record_age_in_seconds",
      "function_response_types",
      "destination_config",
      "scaling_config",
      "filter_criteria",
      "enabled",
    ],
    accepted: ["metrics_config"],
  },
  aws_api_gateway_rest_api: { emulated: ["name"], accepted: ["description", "endpoint_configuration"] },
  aws_api_gateway_resource: { emulated: ["rest_api_id", "parent_id", "path_part"], accepted: [] },
  aws_api_gateway_method: {
    emulated: [
      "rest_api_id",
      "resource_id",
      "http_method",
      "authorization",
      "api_key_required",
      "request_validator_id",
      "request_models",
      "request_parameters",
    ],
    accepted: ["operation_name"],
  },
  aws_api_gateway_integration: {
    emulated: [
      "rest_api_id",
      "resource_id",
      "http_method",
      "type",
      "integration_http_method",
      "uri",
      "request_templates",
      "passthrough_behavior",
    ],
    accepted: ["credentials", "timeout_milliseconds"],
  },
  aws_api_gateway_method_response: {
    emulated: ["rest_api_id", "resource_id", "http_method", "status_code", "response_parameters"],
    accepted: ["response_models"],
  },
  aws_api_gateway_integration_response: {
    emulated: [
      "rest_api_id",
      "resource_id",
      "http_method",
      "status_code",
      "selection_pattern",
      "response_templates",
      "response_parameters",
    ],
    accepted: [],
  },
  aws_api_gateway_request_validator: {
    emulated: ["rest_api_id", "name", "validate_request_body", "validate_request_parameters"],
    accepted: [],
  },
  aws_api_gateway_model: {
    emulated: ["rest_api_id", "name", "content_type", "schema"],
    accepted: ["description"],
  },
  aws_api_gateway_gateway_response: {
    emulated: ["rest_api_id", "response_type", "status_code", "response_templates", "response_parameters"],
    accepted: [],
  },
  aws_api_gateway_deployment: {
    emulated: ["rest_api_id"],
    accepted: ["triggers", "description", "variables"],
  },
  aws_api_gateway_stage: {
    emulated: ["rest_api_id", "deployment_id", "stage_name", "variables"],
    accepted: ["xray_tracing_enabled", "access_log_settings", "description"],
  },
  aws_api_gateway_api_key: { emulated: ["name", "value", "enabled"], accepted: ["description"] },
  aws_api_gateway_usage_plan: {
    emulated: ["name", "api_stages"],
    // Usage plan throttling and quotas are not enforced locally (api_stages' per-method throttle neither).
    accepted: ["description", "throttle_settings", "quota_settings"],
  },
  aws_api_gateway_usage_plan_key: { emulated: ["key_id", "key_type", "usage_plan_id"], accepted: [] },
};

export class UnsupportedConfigurationError extends Error {
  override name = "UnsupportedConfigurationError";
}

/** Refuses attributes of an emulated resource that the local runtime would otherwise ignore. */
export function assertSupported(type: string, logicalId: string, attributes: Attributes): void {
  const support = EMULATED_TYPES[type];
  if (!support) return;
  for (const attribute of Object.keys(attributes)) {
    if (
      META.includes(attribute) ||
      support.emulated.includes(attribute) ||
      support.accepted.includes(attribute)
    ) {
      continue;
    }
    throw new UnsupportedConfigurationError(
      `${type}.${logicalId}: attribute "${attribute}" is not supported by the local runtime`,
    );
  }
}
