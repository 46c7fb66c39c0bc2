import { randomInt } from "node:crypto";
import type { SQSRecord } from "aws-lambda";
import type { LocalFunction } from "../lambda";
import type { DynamoDbWriteCounters } from "./dynamodb-capacity-proxy";
import { FaultDecisions } from "./fault-decisions";
import {
  type FaultSettings,
  type InvocationFault,
  SCHEDULED_FAULTS,
  type ScheduledFault,
  validateFaultSettings,
} from "./fault-settings";
import { invocationFaultMiddleware } from "./invocation-fault-middleware";
import type { OrderMutation } from "./item-mutations";

const INVOCATION_FAULTS: readonly InvocationFault[] = [
  "crashBeforeWrite",
  "crashAfterWrite",
  "timeout",
  "duplicateDelivery",
];

export interface FaultCounters {
  seed: number;
  /** Faults injected: fault -> function name -> count (redeliver counts messages left undeleted). */
  injected: Record<ScheduledFault, Record<string, number>>;
  /** What the DynamoDB capacity proxy saw from the functions (writes, throttled, capacity consumed). */
  dynamodb: DynamoDbWriteCounters;
}

/** Name the order mutation faults are decided and counted under, beside the stack's function names. */
export function orderMutationSource(stackName: string): string {
  return `${stackName} API`;
}

export interface FaultCounterScope {
  functions: Iterable<string>;
  tables: Iterable<string>;
}

/** Anything counting the functions' DynamoDB writes, e.g. the capacity proxy. */
export interface WriteCounterSource {
  counters(tables?: Iterable<string>): DynamoDbWriteCounters;
}

/**
 * The run's fault injection: seeded decisions, what was injected, and the hooks that put it around the
 * real functions (invocation middleware) and SQS mappings (deletion choice).
 */
export class FaultInjection {
  readonly settings: FaultSettings;
  readonly seed: number;
  private readonly decisions: FaultDecisions;
  private readonly injectedCounts = Object.fromEntries(
    SCHEDULED_FAULTS.map((fault) => [fault, {}]),
  ) as Record<ScheduledFault, Record<string, number>>;
  private writes?: WriteCounterSource;

  constructor(settings: FaultSettings = {}) {
    this.settings = validateFaultSettings({ ...settings });
    this.seed = settings.seed ?? randomInt(0, 2 ** 32 - 1);
    this.decisions = new FaultDecisions(this.settings, this.seed);
  }

  /** True when some fault can fire or throttling is on. */
  get enabled(): boolean {
    return (
      SCHEDULED_FAULTS.some((fault) => this.decisions.isActive(fault)) || this.settings.throttle === true
    );
  }

  /** Where counters.dynamodb comes from. */
  countWritesWith(source: WriteCounterSource): void {
    this.writes = source;
  }

  /**
   * Puts the invocation faults around the function. The returned function removes them and ends any
   * timeout being held, so that stopping never waits for a function's full timeout.
   */
  attach(fn: LocalFunction): () => void {
    if (!INVOCATION_FAULTS.some((fault) => this.decisions.isActive(fault))) return () => {};
    const release = new AbortController();
    const remove = fn.use(
      invocationFaultMiddleware({
        decide: (fault, functionName) => this.decisions.decide(fault, functionName),
        injected: (fault, functionName) => this.count(fault, functionName),
        signal: release.signal,
      }),
    );
    return () => {
      release.abort();
      remove();
    };
  }

  /** SqsEventSource's deleteSucceeded for the function's mapping, or undefined when redeliver is off. */
  deleteSucceeded(functionName: string): ((succeeded: SQSRecord[]) => SQSRecord[]) | undefined {
    if (!this.decisions.isActive("redeliver")) return undefined;
    return (succeeded) =>
      succeeded.filter(() => {
        const keep = this.decisions.decide("redeliver", functionName);
        if (keep) this.count("redeliver", functionName);
        return !keep;
      });
  }

  /**
   * Which change another writer makes to an order the stack's API accepted, or undefined when the
   * order mutation faults are off. Counted under `<stack> API`.
   */
  orderMutation(stackName: string): (() => OrderMutation | undefined) | undefined {
    if (!this.decisions.isActive("overwriteOrder") && !this.decisions.isActive("deleteOrder"))
      return undefined;
    const source = orderMutationSource(stackName);
    return () => {
      for (const [fault, mutation] of [
        ["deleteOrder", "delete"],
        ["overwriteOrder", "overwrite"],
      ] as const) {
        if (this.decisions.isActive(fault) && this.decisions.decide(fault, source)) {
          this.count(fault, source);
          return mutation;
        }
      }
      return undefined;
    };
  }

  /** A snapshot; with a scope, only those functions and tables. */
  counters(scope?: FaultCounterScope): FaultCounters {
    const functions = scope ? new Set(scope.functions) : undefined;
    const injected = Object.fromEntries(
      SCHEDULED_FAULTS.map((fault) => [
        fault,
        Object.fromEntries(
          Object.entries(this.injectedCounts[fault]).filter(([name]) => !functions || functions.has(name)),
        ),
      ]),
    ) as Record<ScheduledFault, Record<string, number>>;
    return {
      seed: this.seed,
      injected,
      dynamodb: this.writes?.counters(scope?.tables) ?? {
        writes: {},
        throttled: {},
        consumedWriteCapacity: {},
      },
    };
  }

  private count(fault: ScheduledFault, functionName: string): void {
    const byFunction = this.injectedCounts[fault];
    byFunction[functionName] = (byFunction[functionName] ?? 0) + 1;
  }
}
