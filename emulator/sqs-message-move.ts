/**
 * DLQ redrive for the local SQS emulator, which has none: `StartMessageMoveTask` and `ListMessageMoveTasks`
 * with the documented semantics (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html):
 * only a queue some other queue names as its dead-letter target can be a source; without a destination the
 * messages go back to that source queue; the oldest message moves first; each moved message is a new message
 * (new id, new enqueue time, so a new retention period) with the same body and attributes.
 *
 * Where it differs from AWS: the task moves every message visible when it starts, at once, and is COMPLETED
 * by the time the call answers (AWS runs it asynchronously, up to 36 hours, at MaxNumberOfMessagesPerSecond);
 * AWS remembers each message's original source queue, the emulator does not, so a DLQ with several source
 * queues needs an explicit DestinationArn; no IAM or queue policy is evaluated; CancelMessageMoveTask is
 * not offered (no task is ever running).
 *
 * The module works on the emulator's own objects (passed in), so that it needs no import of the ESM-only
 * emulator and its rules can be tested on plain objects.
 */

export interface EmulatorMessage {
  readonly body: string;
  readonly messageAttributes: Record<string, unknown>;
}

export interface EmulatorQueue {
  readonly arn: string;
  readonly attributes: Record<string, string | undefined>;
  /** Visible messages, oldest first. */
  readonly messages: EmulatorMessage[];
  enqueue(message: EmulatorMessage): void;
  /** Makes messages whose visibility timeout ran out visible again. */
  processTimers(): void;
}

export interface EmulatorStore {
  readonly queues: Map<string, EmulatorQueue>;
  getQueueByArn(arn: string): EmulatorQueue | undefined;
}

export interface MessageMoveDependencies {
  /** A new message for the destination: new id and timestamps, this body and these attributes. */
  createMessage(body: string, messageAttributes: Record<string, unknown>): EmulatorMessage;
  /** The emulator's error, answered as `{"__type": "com.amazonaws.sqs#<code>", "message": ...}`. */
  error(code: string, message: string): Error;
  now(): number;
}

export interface MessageMoveTask {
  Status: "COMPLETED";
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
}

type Handler = (body: Record<string, unknown>, store: EmulatorStore) => unknown;

/** ListMessageMoveTasks returns the most recent tasks, 1 by default, at most 10. */
const MAX_LISTED_TASKS = 10;

function deadLetterTargetOf(queue: EmulatorQueue): string | undefined {
  const policy = queue.attributes.RedrivePolicy;
  if (!policy) return undefined;
  try {
    return (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined; // the emulator ignores a redrive policy it cannot read, so this does too
  }
}

/** Handlers for the emulator's router, keyed by action name. */
export function messageMoveActions(dependencies: MessageMoveDependencies): Record<string, Handler> {
  const tasksBySource = new Map<string, MessageMoveTask[]>();
  const notFound = () =>
    dependencies.error("ResourceNotFoundException", "The resource that you requested couldn't be found.");

  const start: Handler = (body, store) => {
    const sourceArn = body.SourceArn;
    if (typeof sourceArn !== "string") {
      throw dependencies.error("MissingParameter", "The request must contain the parameter SourceArn.");
    }
    const source = store.getQueueByArn(sourceArn);
    if (!source) throw notFound();
    const sourceQueues = [...store.queues.values()].filter(
      (queue) => deadLetterTargetOf(queue) === sourceArn,
    );
    if (sourceQueues.length === 0) {
      throw dependencies.error(
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
      );
    }
    const destinationArn = typeof body.DestinationArn === "string" ? body.DestinationArn : undefined;
    let destination: EmulatorQueue | undefined;
    if (destinationArn !== undefined) {
      destination = store.getQueueByArn(destinationArn);
      if (!destination) throw notFound();
    } else if (sourceQueues.length === 1) {
      destination = sourceQueues[0];
    } else {
      throw dependencies.error(
        "InvalidParameterValue",
        "The local SQS emulator does not record each message's original source queue: give a DestinationArn.",
      );
    }

    source.processTimers();
    const moving = source.messages.splice(0, source.messages.length);
    for (const message of moving) {
      destination.enqueue(dependencies.createMessage(message.body, message.messageAttributes));
    }
    const task: MessageMoveTask = {
      Status: "COMPLETED",
      SourceArn: sourceArn,
      ...(destinationArn !== undefined ? { DestinationArn: destinationArn } : {}),
      ...(typeof body.MaxNumberOfMessagesPerSecond === "number"
        ? { MaxNumberOfMessagesPerSecond: body.MaxNumberOfMessagesPerSecond }
        : {}),
      ApproximateNumberOfMessagesMoved: moving.length,
      ApproximateNumberOfMessagesToMove: moving.length,
      StartedTimestamp: dependencies.now(),
    };
    tasksBySource.set(sourceArn, [task, ...(tasksBySource.get(sourceArn) ?? [])].slice(0, MAX_LISTED_TASKS));
    // A handle identifies a running task; this one is done, but callers may still log it.
    return {
      TaskHandle: Buffer.from(JSON.stringify({ sourceArn, at: task.StartedTimestamp })).toString("base64"),
    };
  };

  const list: Handler = (body, store) => {
    const sourceArn = body.SourceArn;
    if (typeof sourceArn !== "string") {
      throw dependencies.error("MissingParameter", "The request must contain the parameter SourceArn.");
    }
    if (!store.getQueueByArn(sourceArn)) throw notFound();
    const maxResults = typeof body.MaxResults === "number" ? body.MaxResults : 1;
    return { Results: (tasksBySource.get(sourceArn) ?? []).slice(0, Math.min(maxResults, MAX_LISTED_TASKS)) };
  };

  return { StartMessageMoveTask: start, ListMessageMoveTasks: list };
}
