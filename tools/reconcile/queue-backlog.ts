import type { SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "../../emulator/queue-depth";

/** The queues whose messages would still change the summary: failure, dead-letter and update queues. */
export interface QueueTarget {
  sqs: SQSClient;
  queueUrls: string[];
}

export interface QueueBacklog {
  queueUrl: string;
  /** Visible + in flight + delayed (approximate, as SQS reports it). */
  messages: number;
}

/** Messages waiting in each queue. */
export async function queueBacklogs(target: QueueTarget): Promise<QueueBacklog[]> {
  return Promise.all(
    target.queueUrls.map(async (queueUrl) => ({
      queueUrl,
      messages: await queueDepth(target.sqs, queueUrl),
    })),
  );
}

/** Why a fix must wait for these queues, or undefined when they are all empty. */
export function queueRefusal(backlogs: readonly QueueBacklog[]): string | undefined {
  const waiting = backlogs.filter((backlog) => backlog.messages > 0);
  if (waiting.length === 0) return undefined;
  const listed = waiting.map((backlog) => `${backlog.messages} in ${backlog.queueUrl}`).join(", ");
  return (
    `not fixing: messages are waiting (${listed}). Their stream records are not in the summary yet; ` +
    "a fix counts their orders now, and when they are applied later (redriven, retried or replayed) they " +
    "count a second time. Let the queues drain, or redrive and let them settle, then run again. " +
    "If they can never apply (for example unprojectable orders, which fail again on every redrive), " +
    "pass --ignore-queues."
  );
}
