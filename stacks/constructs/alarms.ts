import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import type { OrdersApi } from "./orders-api";

/** A queue holding work given up on, and the age of its oldest message at which expiry is near. */
export interface FailureQueue {
  readonly queue: SqsQueue;
  readonly expiryWarningSeconds: number;
}

/** Age of the work queue's oldest message at which the projection counts as behind. */
export const BACKLOG_AGE_ALARM_SECONDS = 3600;

/** Share of API requests answered with 5xx over five minutes above which the API alarms. */
export const API_5XX_RATE_THRESHOLD = 0.05;

export interface ProjectionAlarmsProps {
  /** Prefix of every alarm name, e.g. `cqrs-direct-dev`. */
  readonly namePrefix: string;
  /** Queues where work lands when it could not be projected (DLQ, on-failure destinations). */
  readonly failureQueues: readonly FailureQueue[];
  /** The queue feeding the summary writer, when there is one: its backlog age is alarmed. */
  readonly workQueue?: SqsQueue;
  /** The orders API: its 5xx rate is alarmed. */
  readonly api: OrdersApi;
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
 * What an operator of a projection must hear about: work given up on (and about to expire), a backlog
 * growing old, the summary table throttling writes or reads, function errors, a stream consumer falling
 * behind and the API failing.
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

    for (const [index, { queue, expiryWarningSeconds }] of props.failureQueues.entries()) {
      alarm(`failed-work-${index}`, {
        alarmName: `${queue.name}-not-empty`,
        alarmDescription: "Records the projection gave up on are waiting here: inspect, fix, redrive.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
      });
      // In a DLQ the metric counts from the move, while expiry counts from the original enqueue: the
      // threshold (expiryWarningSeconds) already takes the time a message can spend upstream off.
      alarm(`failed-work-expiring-${index}`, {
        alarmName: `${queue.name}-expiring`,
        alarmDescription: "The oldest message here expires within a day: redrive or export it now.",
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        threshold: expiryWarningSeconds,
      });
    }
    if (props.workQueue) {
      alarm("backlog-age", {
        alarmName: `${props.workQueue.name}-backlog-age`,
        alarmDescription:
          "Summary updates wait longer than an hour: the summary writer cannot keep up or is failing.",
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: props.workQueue.name },
        statistic: "Maximum",
        threshold: BACKLOG_AGE_ALARM_SECONDS,
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
    alarm("summary-read-throttled", {
      alarmName: `${props.namePrefix}-summary-read-throttles`,
      alarmDescription:
        "The summary table is throttling reads (GET /{accountid}): raise its read capacity or lower the API throttle.",
      namespace: "AWS/DynamoDB",
      metricName: "ReadThrottleEvents",
      dimensions: { TableName: props.summaryTable.name },
      statistic: "Sum",
    });
    // 5XXError is 0 or 1 per request, so its average is the share of requests that failed.
    alarm("api-5xx-rate", {
      alarmName: `${props.namePrefix}-api-5xx-rate`,
      alarmDescription: `More than ${API_5XX_RATE_THRESHOLD * 100}% of API requests failed with 5xx over five minutes.`,
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      dimensions: { ApiName: props.api.restApi.name, Stage: props.api.stage.stageName },
      statistic: "Average",
      threshold: API_5XX_RATE_THRESHOLD,
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
