import type { SummaryDelta } from "../domain/types";
import type { AccountWriteFailure, ApplyDeltasResult } from "./types";

/** How to read one batch record (a stream record, a queue message) as the deltas it carries. */
export interface BatchRecordReader<T> {
  /** What Lambda expects back in batchItemFailures for this record. */
  itemIdentifier(record: T): string;
  /** Throws when the record cannot be read; the record is then reported as failed. */
  deltasOf(record: T): SummaryDelta[];
}

export interface UnprocessableItem {
  itemIdentifier: string;
  error: unknown;
}

export interface ProjectionOutcome {
  /** Every record that must be retried, in batch order. */
  failedItemIdentifiers: string[];
  /**
   * The failed records that failed only because the write budget could not pay for their writes in time
   * (readable, and no other write of theirs failed): a subset of failedItemIdentifiers.
   */
  unpaidItemIdentifiers: string[];
  unprocessable: UnprocessableItem[];
  writeFailures: AccountWriteFailure[];
  appliedCount: number;
  alreadyAppliedCount: number;
}

/**
 * Projects a batch onto the summary: every record is turned into its deltas (records that cannot
 * be are failed on their own), all deltas are written in one call (merged by account), and failed
 * writes are mapped back to every batch record carrying one of the failed eventIDs.
 */
export async function projectBatch<T>(
  records: readonly T[],
  reader: BatchRecordReader<T>,
  writeDeltas: (deltas: SummaryDelta[]) => Promise<ApplyDeltasResult>,
): Promise<ProjectionOutcome> {
  const deltas: SummaryDelta[] = [];
  const unprocessable: UnprocessableItem[] = [];
  const itemIdentifiersByEventId = new Map<string, string[]>();

  for (const record of records) {
    const itemIdentifier = reader.itemIdentifier(record);
    try {
      for (const delta of reader.deltasOf(record)) {
        deltas.push(delta);
        itemIdentifiersByEventId.set(delta.eventId, [
          ...(itemIdentifiersByEventId.get(delta.eventId) ?? []),
          itemIdentifier,
        ]);
      }
    } catch (error) {
      unprocessable.push({ itemIdentifier, error });
    }
  }

  const written = await writeDeltas(deltas);

  const failed = new Set(unprocessable.map((item) => item.itemIdentifier));
  const failedOtherwise = new Set(failed);
  for (const failure of written.failures) {
    for (const eventId of failure.eventIds) {
      for (const itemIdentifier of itemIdentifiersByEventId.get(eventId) ?? []) {
        failed.add(itemIdentifier);
        if (!failure.unpaid) failedOtherwise.add(itemIdentifier);
      }
    }
  }
  const failedItemIdentifiers = [...new Set(records.map((record) => reader.itemIdentifier(record)))].filter(
    (id) => failed.has(id),
  );
  return {
    failedItemIdentifiers,
    unpaidItemIdentifiers: failedItemIdentifiers.filter((id) => !failedOtherwise.has(id)),
    unprocessable,
    writeFailures: written.failures,
    appliedCount: written.appliedEventIds.length,
    alreadyAppliedCount: written.alreadyAppliedEventIds.length,
  };
}
