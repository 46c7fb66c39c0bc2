import type { DynamoDBRecord } from "aws-lambda";
import { summaryDeltaOf } from "../domain/summary-delta";
import { projectionHandler } from "../summary/projection-handler";

/** Details-table stream -> summary table, each stream record applied exactly once. */
export const handler = projectionHandler<DynamoDBRecord>({
  reader: {
    itemIdentifier: (record) => record.dynamodb?.SequenceNumber ?? "",
    deltasOf: (record) => [summaryDeltaOf(record)],
  },
});
