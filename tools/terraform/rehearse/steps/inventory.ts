import type { RehearsalStep } from "../context";
import { leftovers } from "../runner";
import { destroySkipped } from "./destroy-stacks";

/** After the teardown the emulator must hold nothing but what a confirmed gap says it cannot delete. */
export const inventoryAfterDestroy: RehearsalStep = {
  name: "inventory after destroy",
  skipped: destroySkipped,
  async run(context) {
    const inventory = await context.setupStep(
      "inventory after destroy",
      () => context.emulator<Record<string, unknown>>(["inventory"]),
      (found) => `${leftovers(found).length} kinds of resource left`,
    );
    context.report.inventoryAfterDestroy = inventory;
    const kept = context.report.gapProbes
      .filter((g) => g.present && g.keptOnDestroy)
      .map((g) => g.keptOnDestroy?.inventoryKey);
    const counted = Object.fromEntries(Object.entries(inventory).filter(([kind]) => !kept.includes(kind)));
    for (const kind of leftovers(counted)) context.fail(`left in the emulator after destroy: ${kind}`);
  },
};
