import { join } from "node:path";
import { PROJECT_ROOT } from "../../../shared/synthesize";
import type { RehearsalStep } from "../context";

/** The Python environment with moto and boto3 (tools/python/venv.sh makes or reuses it). */
export const pythonVenv: RehearsalStep = {
  name: "python venv",
  async run(context) {
    context.venv = await context.setupStep(
      "python venv",
      async () => (await context.tool(join(PROJECT_ROOT, "tools/python/venv.sh"), [])).trim(),
      (venv) => venv,
    );
  },
};
