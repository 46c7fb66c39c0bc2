import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";

export interface ProjectionAlarmsProps {
  /** Prefix of every alarm name, e.g. `cqrs-direct-dev`. */
  readonly namePrefix: string;
  /** Queues where work lands when it could not be projected (DLQ, on-failure destinations). */
  readonly failureQueues: readonly SqsQueue[];
  /** The provisioned read model whose throttling the projection must keep rare. */
  readonly summaryTable: DynamodbTable;
  /** Functions whose errors are alarmed. */
  readonly functions: readonly LambdaFunction[];
  /** The function reading the details stream: its iterator age shows the projection falling behind. */
  readonly streamConsumer: LambdaFunction;
  /** SNS topic notified on alarm and recovery. @default no notification */
  readonly alarmTopicArn?: string;
  /** Iterator age above which the stream consumer is behind. @default 60 seconds */
  readonly maxIteratorAgeSeconds?: number;
}

/** One metric to watch; by default it alarms when above zero over five minutes. */
type MetricAlarm = Omit<
  CloudwatchMetricAlarmConfig,
  "alarmActions" | "okActions" | "comparisonOperator" | "evaluationPeriods"
> &
  Partial<Pick<CloudwatchMetricAlarmConfig, "evaluationPeriods">>;

/**
 * What an operator of a projection must hear about: work given up on, the summary table throttling,
 * function errors and a stream consumer falling behind.
 */
export class ProjectionAlarms extends Construct {
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ProjectionAlarmsProps) {
    super(scope, id);
    const actions = props.alarmTopicArn ? [props.alarmTopicArn] : undefined;
    const alarm = (alarmId: string, metric: MetricAlarm) =>
      this.alarms.push(
        new CloudwatchMetricAlarm(this, alarmId, {
          period: 300,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          ...metric,
          alarmActions: actions,
          okActions: actions,
        }),
      );

    for (const [index, queue] of props.failureQueues.entries()) {
      alarm(`failed-work-${index}`, {
        alarmName: `${queue.name}-not-empty`,
        alarmDescription: "Records the projection gave up on are waiting here: inspect, fix, redrive.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
      });
    }
    alarm("summary-throttled", {
      alarmName: `${props.namePrefix}-summary-write-throttles`,
      alarmDescription:
        "The summary table is throttling projection writes: raise its capacity or lower concurrency.",
      namespace: "AWS/DynamoDB",
      metricName: "WriteThrottleEvents",
      dimensions: { TableName: props.summaryTable.name },
      statistic: "Sum",
    });
    for (const [index, fn] of props.functions.entries()) {
      alarm(`function-errors-${index}`, {
        alarmName: `${fn.functionName}-errors`,
        alarmDescription:
          "The function failed invocations (they are retried; persistent errors end in a failure queue).",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn.functionName },
        statistic: "Sum",
      });
    }
    alarm("stream-behind", {
      alarmName: `${props.namePrefix}-stream-iterator-age`,
      alarmDescription: "The stream consumer is falling behind the details table.",
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: props.streamConsumer.functionName },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: (props.maxIteratorAgeSeconds ?? 60) * 1000,
    });
  }
}
