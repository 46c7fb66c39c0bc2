/**
 * APIs moto lacks that a resource of the stacks needs (docs/aws-emulator-gaps.md). The rehearsal probes
 * each gap directly against the running emulator first; while the probe confirms it, the resources of
 * that type are left out of apply and plans with `-target` of every other resource, and recorded in
 * the report. A gap the probe no longer finds is not excluded: the apply then shows whether it closed.
 */
export interface EmulatorGapSpec {
  /** Key of the probe in aws_emulator.py (probe-gaps). */
  probe: string;
  resourceType: string;
  api: string;
  /** What goes wrong with the real provider when the resource is not excluded. */
  symptom: string;
}

export const EMULATOR_GAPS: readonly EmulatorGapSpec[] = [
  {
    probe: "cloudwatch-cbor",
    resourceType: "aws_cloudwatch_metric_alarm",
    api: "CloudWatch PutMetricAlarm/DescribeAlarms in the Smithy RPC v2 CBOR protocol",
    symptom:
      "operation error CloudWatch: PutMetricAlarm, deserialization failed, unexpected smithy-protocol response header '' (HTTP status: 404 NOT FOUND)",
  },
  {
    probe: "sqs-redrive-allow-policy",
    resourceType: "aws_sqs_queue_redrive_allow_policy",
    api: "SQS queue attribute RedriveAllowPolicy (SetQueueAttributes ignores it, GetQueueAttributes refuses it)",
    symptom:
      "apply waits at 'Still creating...' until the provider's timeout: the attribute never reads back",
  },
];
