import {
  type Dollars,
  dollarsPerMillionOrders,
  lambdaGbSeconds,
  type Prices,
} from "../../emulator/cost/charges";
import { type Meters, meterTotals } from "../../emulator/cost/metering-proxy";
import type { LocalFunction } from "../../emulator/lambda";
import type { StackModel } from "../../emulator/terraform/stack-model";

/** What one stack spent per order, as AWS would bill it. */
export interface StackCost {
  orders: number;
  writeUnitsPerOrder: number;
  summaryWriteUnitsPerOrder: number;
  readUnitsPerOrder: number;
  sqsRequestsPerOrder: number;
  lambdaInvocations: number;
  lambdaGbSecondsPerOrder: number;
  dollarsPerMillionOrders: Dollars;
}

/** Memory (MB) of every function of a stack, by name, as synthesized. */
export function functionMemory(model: StackModel): Map<string, number> {
  const memory = new Map<string, number>();
  for (const [logicalId] of model.resources("aws_lambda_function")) {
    const config = model.resolved("aws_lambda_function", logicalId);
    memory.set(String(config.function_name), Number(config.memory_size ?? 128));
  }
  return memory;
}

/**
 * Counts a running stack's invocations and their GB-seconds (configured memory × measured duration),
 * and prices them with the metering proxy's figures for the stack's own tables and queues.
 */
export class StackBill {
  private invocations = 0;
  private gbSeconds = 0;
  private readonly detach: (() => void)[];

  constructor(
    functions: Iterable<LocalFunction>,
    memory: Map<string, number>,
    private readonly resources: { tables: string[]; summaryTable: string; queues: string[] },
  ) {
    this.detach = [...functions].map((fn) =>
      fn.use(async (invocation, next) => {
        const result = await next(invocation.event);
        this.invocations++;
        this.gbSeconds += lambdaGbSeconds(memory.get(fn.name) ?? 128, result.durationMs);
        return result;
      }),
    );
  }

  stop(): void {
    for (const detach of this.detach) detach();
  }

  cost(meters: Meters, orders: number, prices: Prices): StackCost {
    const totals = meterTotals(meters, this.resources.tables);
    const sqsRequests = this.resources.queues.reduce(
      (sum, queue) => sum + (meters.queues[queue]?.billedRequests ?? 0),
      0,
    );
    const per = (value: number) => (orders > 0 ? Number((value / orders).toFixed(4)) : 0);
    return {
      orders,
      writeUnitsPerOrder: per(totals.writeUnits),
      summaryWriteUnitsPerOrder: per(meters.tables[this.resources.summaryTable]?.writeUnits ?? 0),
      readUnitsPerOrder: per(totals.readUnits),
      sqsRequestsPerOrder: per(sqsRequests),
      lambdaInvocations: this.invocations,
      lambdaGbSecondsPerOrder: orders > 0 ? Number((this.gbSeconds / orders).toPrecision(4)) : 0,
      dollarsPerMillionOrders: dollarsPerMillionOrders(
        {
          writeUnits: totals.writeUnits,
          readUnits: totals.readUnits,
          sqsRequests,
          lambdaInvocations: this.invocations,
          lambdaGbSeconds: this.gbSeconds,
        },
        Math.max(orders, 1),
        prices,
      ),
    };
  }
}
