/*
 * The S3 bucket every stack with an S3 backend keeps its state in: normally account-setup's; made
 * (and at the end deleted) by the rehearsal itself when account-setup is missing or fails to apply.
 */
import type { RehearsalContext } from "./context";
import { STATE_BUCKET } from "./emulator-config";
import type { StackResult } from "./report";

/** Creates the state bucket directly unless it exists; true when this call created it. */
export async function createStateBucket(context: RehearsalContext, why: string): Promise<boolean> {
  const { created } = await context.setupStep(
    "create state bucket",
    () => context.emulator<{ created: boolean }>(["ensure-bucket", STATE_BUCKET]),
    (result) => `${STATE_BUCKET} ${result.created ? "created directly" : "already there"}: ${why}`,
  );
  if (created) context.report.stateBucket.createdBy = `the rehearsal itself (${why})`;
  return created;
}

/**
 * Decommissioning: once the application stacks are destroyed, their (now empty) state files are
 * deleted, every version, so that the account-setup stack can delete its versioned state bucket.
 */
export async function removeApplicationState(
  context: RehearsalContext,
  results: StackResult[],
): Promise<void> {
  const keys = results.flatMap((r) => (r.backend ? [r.backend.key] : []));
  await context.setupStep(
    "remove application state",
    () =>
      Promise.all(
        keys.map((key) => context.emulator<{ versions: number }>(["delete-objects", STATE_BUCKET, key])),
      ),
    (removed) =>
      `${removed.reduce((sum, r) => sum + r.versions, 0)} object versions under ${keys.join(", ")} deleted`,
  );
}

/** Deletes the bucket the rehearsal made, every object version first. */
export async function deleteStateBucket(context: RehearsalContext): Promise<void> {
  await context.setupStep(
    "delete state bucket",
    async () => {
      const emptied = await context.emulator<{ versions: number }>(["delete-objects", STATE_BUCKET, ""]);
      await context.emulator(["delete-bucket", STATE_BUCKET]);
      return emptied;
    },
    (emptied) => `${STATE_BUCKET}: ${emptied.versions} object versions and the bucket deleted`,
  );
}
