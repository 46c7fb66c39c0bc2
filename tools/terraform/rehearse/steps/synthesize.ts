import { rmSync } from "node:fs";
import { join } from "node:path";
import { synthesize } from "../../../shared/synthesize";
import { OUT, type RehearsalStep } from "../context";
import { REGION, STATE_BUCKET } from "../emulator-config";
import { rehearsedStacks } from "../stacks";

/** The stacks, synthesized for the emulator's region and with the rehearsal's state bucket. */
export const synthesizeStacks: RehearsalStep = {
  name: "synthesize",
  async run(context) {
    const outdir = join(OUT, "cdktf.out");
    context.stacks = await context.setupStep(
      "synthesize",
      () => {
        rmSync(outdir, { recursive: true, force: true });
        synthesize(outdir, {
          AWS_REGION: REGION,
          CQRS_STATE_REGION: REGION,
          CQRS_STATE_BUCKET: STATE_BUCKET,
        });
        return rehearsedStacks(outdir);
      },
      (found) => found.map((s) => s.name).join(", "),
    );
  },
};
