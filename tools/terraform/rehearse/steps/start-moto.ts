import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LOGS, log, type RehearsalStep } from "../context";
import { startMotoServer } from "../moto-server";
import { seconds } from "../runner";

/** moto on a free loopback port, logging to rehearsal/logs/moto.log. */
export const startMoto: RehearsalStep = {
  name: "start moto",
  async run(context) {
    const since = performance.now();
    const moto = await startMotoServer(context.venv, join(LOGS, "moto.log"));
    context.moto = moto;
    context.report.emulator.version = moto.version;
    context.report.emulator.endpoint = moto.endpoint;
    context.report.setupSteps.push({
      name: "start moto",
      ok: true,
      seconds: seconds(since),
      summary: `moto ${moto.version} on ${moto.endpoint}`,
    });
    log(`moto ${moto.version} on ${moto.endpoint}`);
  },
};
