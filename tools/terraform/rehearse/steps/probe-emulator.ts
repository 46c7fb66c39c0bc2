import type { RehearsalStep } from "../context";
import { EMULATOR_GAPS, gapHandling } from "../emulator-gaps";

const CONDITIONAL_WRITE_PROBE_BUCKET = "cqrs-rehearsal-conditional-write-probe";

/**
 * What the emulator serves: S3 conditional writes (the state lock needs them) and each known gap
 * (emulator-gaps.ts); the resource types of a confirmed gap handled by exclusion are left out from here on.
 */
export const probeEmulator: RehearsalStep = {
  name: "probe the emulator",
  async run(context) {
    const probe = await context.setupStep(
      "S3 conditional write probe",
      () =>
        context.emulator<{
          supported: boolean;
          second_put: string;
        }>(["conditional-write", CONDITIONAL_WRITE_PROBE_BUCKET]),
      (result) => `second PutObject with If-None-Match: * -> ${result.second_put}`,
    );
    context.report.emulator.conditionalWrites = probe.supported;
    const gapProbes = await context.setupStep(
      "emulator gap probes",
      () => context.emulator<Record<string, { present: boolean; evidence: string }>>(["probe-gaps"]),
      (found) =>
        Object.entries(found)
          .map(([name, { present }]) => `${name}: ${present ? "missing" : "served"}`)
          .join("; "),
    );
    for (const gap of EMULATOR_GAPS) {
      const { present, evidence } = gapProbes[gap.probe] ?? { present: false, evidence: "no probe result" };
      context.report.gapProbes.push({ ...gap, present, evidence });
      if (present && gapHandling(gap) === "excluded") context.excludedTypes.add(gap.resourceType);
    }
    if (!probe.supported)
      context.fail("the emulator's S3 accepts a second If-None-Match: * write: use_lockfile cannot lock");
  },
};
