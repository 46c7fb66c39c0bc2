import { cpus, totalmem } from "node:os";

/** The machine a measurement ran on, as the demo report and the benchmark results print it. */
export interface MachineDescription {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
}

export function describeMachine(): MachineDescription {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}
