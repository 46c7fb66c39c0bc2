import { spendableSeconds } from "../../functions/summary/write-budget";
import type { MappingSettings, SynthesizedProjectionSettings } from "../shared/projection-settings";
import { summaryWriterMapping } from "../shared/projection-settings";
import type { CostRow } from "./whole-bill";

export interface SaturationRow {
  stack: string;
  workload: string;
  summaryWcu: number;
  /** Measured: summary write units per order at the stated arrival rate (whole-bill section). */
  measuredWcuPerOrder: number;
  /** Derived: summary WCU / WCU per order. */
  sustainedOrdersPerSecond: number;
  /** Derived: write units one full batch needs, and what one invocation can get before its retry deadline. */
  batchNeedsWcu: number;
  invocationBudgetWcu: number;
  /**
   * Derived: Lambda time spent waiting for capacity at the sustained rate, per order. There every invocation
   * the mapping allows is busy paying for writes (queued: pacing; direct: backing off throttled writes), and
   * Lambda bills the waiting: concurrent invocations × memory ÷ orders per second.
   */
  waitingGbSecondsPerOrder: number;
  /** Derived, at twice the sustained rate for 60 s. */
  overload: OverloadRow;
}

export interface OverloadRow {
  inputOrdersPerSecond: number;
  seconds: number;
  /** queued: messages waiting at the end of the overload; direct: stream records behind. */
  backlogAtEnd: number;
  /** Time to work the backlog off once the input drops to zero. */
  drainSeconds: number;
  /** direct: iterator age at the end of the overload. */
  iteratorAgeAtEndSeconds: number;
  /** When records or messages would start to be lost or dead-lettered if the overload went on. */
  firstLoss: string;
}

/** Seconds an invocation keeps retrying throttled writes, or paying for paced ones: its timeout less the reserve. */
function retryWindowSeconds(mapping: MappingSettings): number {
  return spendableSeconds(mapping.functionTimeoutSeconds);
}

/**
 * Where each stack saturates and what happens beyond, derived from the measured summary write units per
 * order (default settings) and the synthesized capacities, batch sizes, timeouts, visibility timeout and
 * maxReceiveCount.
 */
export function deriveSaturation(
  settings: SynthesizedProjectionSettings,
  costRows: CostRow[],
  scenarioLabel: string,
  summaryWriterMemoryMb: number,
): SaturationRow[] {
  const mapping = summaryWriterMapping(settings);
  const wcu = settings.summaryTable.writeCapacity;
  return costRows
    .filter((row) => row.stack === scenarioLabel && row.default === undefined)
    .map((row) => {
      const sustained = wcu / row.summaryWriteUnitsPerOrder;
      const concurrency = mapping.source === "sqs" ? (mapping.maximumConcurrency ?? 1) : 1;
      // A queue batch holds messages: each carries the records of one forwarded stream batch, or part of one.
      const ordersPerBatchItem =
        mapping.source === "sqs" && row.detail.sqsMessagesSent > 0
          ? row.detail.orders / row.detail.sqsMessagesSent
          : 1;
      const batchNeedsWcu = row.summaryWriteUnitsPerOrder * mapping.batchSize * ordersPerBatchItem;
      const invocationBudgetWcu = (wcu / concurrency) * retryWindowSeconds(mapping);
      const input = 2 * sustained;
      const seconds = 60;
      const backlog = (input - sustained) * seconds;
      const drainSeconds = backlog / sustained;
      let firstLoss: string;
      if (settings.queue) {
        const q = settings.queue;
        firstLoss =
          batchNeedsWcu <= invocationBudgetWcu
            ? `none from throttling (a batch fits one invocation's budget); waiting messages are deleted after ${Math.round(q.messageRetentionSeconds / 86400)} days, i.e. beyond a backlog of ${Math.round(sustained * q.messageRetentionSeconds).toLocaleString("en-US")} messages`
            : `none from throttling: what one invocation cannot pay for (a full batch needs ${Math.round(batchNeedsWcu / invocationBudgetWcu)} invocations' budgets) is sent to the queue again as new messages, delayed until the budget refills, so none reaches the DLQ; waiting messages are deleted after ${Math.round(q.messageRetentionSeconds / 86400)} days`;
      } else {
        const maxAge = mapping.maximumRecordAgeSeconds ?? 86_400;
        const ageGrowth = 1 - sustained / input;
        firstLoss = `records older than ${maxAge} s go to the on-failure destination: after ${Math.round(maxAge / ageGrowth)} s of this overload`;
      }
      return {
        stack: scenarioLabel,
        workload: row.workload,
        summaryWcu: wcu,
        measuredWcuPerOrder: row.summaryWriteUnitsPerOrder,
        sustainedOrdersPerSecond: Math.round(sustained * 10) / 10,
        batchNeedsWcu: Math.round(batchNeedsWcu * 10) / 10,
        invocationBudgetWcu: Math.round(invocationBudgetWcu * 10) / 10,
        waitingGbSecondsPerOrder: Number(
          ((concurrency * summaryWriterMemoryMb) / 1024 / sustained).toPrecision(3),
        ),
        overload: {
          inputOrdersPerSecond: Math.round(input * 10) / 10,
          seconds,
          backlogAtEnd: Math.round(backlog),
          drainSeconds: Math.round(drainSeconds),
          iteratorAgeAtEndSeconds: settings.queue ? 0 : Math.round(seconds * (1 - sustained / input)),
          firstLoss,
        },
      };
    });
}
