import { createHash } from "node:crypto";
import { seededRandom } from "../seeded-random";
import { type FaultSchedule, type FaultSettings, isActive, type ScheduledFault } from "./fault-settings";

function streamSeed(seed: number, fault: ScheduledFault, functionName: string): number {
  return createHash("sha256").update(`${seed}\0${fault}\0${functionName}`).digest().readUInt32BE(0);
}

class DecisionStream {
  private events = 0;
  private readonly random: () => number;

  constructor(
    private readonly schedule: FaultSchedule,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(): boolean {
    this.events++;
    if ("every" in this.schedule) return this.events % this.schedule.every === 0;
    return this.random() < this.schedule.rate;
  }
}

/**
 * Yes/no decisions per fault and per function, each its own seeded sequence: the same seed gives the
 * same decisions for the nth event of a function, whatever other functions do meanwhile.
 */
export class FaultDecisions {
  private readonly streams = new Map<string, DecisionStream>();

  constructor(
    private readonly settings: FaultSettings,
    readonly seed: number,
  ) {}

  isActive(fault: ScheduledFault): boolean {
    return isActive(this.settings[fault]);
  }

  /** Counts one event of `fault` for `functionName`; true when the fault fires on it. */
  decide(fault: ScheduledFault, functionName: string): boolean {
    const schedule = this.settings[fault];
    if (!isActive(schedule)) return false;
    const key = `${fault}\0${functionName}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new DecisionStream(schedule, streamSeed(this.seed, fault, functionName));
      this.streams.set(key, stream);
    }
    return stream.next();
  }
}
