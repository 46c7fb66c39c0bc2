import { type AttributeValue, paginateScan } from "@aws-sdk/client-dynamodb";
import { aggregateDeltas } from "../../functions/domain/aggregate-deltas";
import { InvalidOrderError, UnprocessableRecordError } from "../../functions/domain/errors";
import { DETAILS_HASH_KEY, DETAILS_RANGE_KEY, ORDER_FIELDS } from "../../functions/domain/fields";
import { summaryDeltaOf } from "../../functions/domain/summary-delta";
import type { ItemImage, SummaryDelta } from "../../functions/domain/types";
import type { ReconcileTarget, SummaryFigures, UnprojectableItem } from "./types";

export interface ExpectedSummaries {
  /** Accounts with at least one projectable details item. */
  byAccount: Map<string, SummaryFigures>;
  unprojectable: UnprojectableItem[];
  detailsItems: number;
}

/**
 * Recomputes every account's summary from the details table (consistent, paginated scan) with the
 * projection's own domain code: each item counts as the INSERT the projection would apply for it now.
 */
export async function expectedSummaries(target: ReconcileTarget): Promise<ExpectedSummaries> {
  const byAccount = new Map<string, SummaryFigures>();
  const unprojectable: UnprojectableItem[] = [];
  let detailsItems = 0;
  const pages = paginateScan(
    { client: target.dynamodb },
    {
      TableName: target.detailsTable,
      ConsistentRead: true,
      ProjectionExpression: "#account, #vendor, #price, #quantity",
      ExpressionAttributeNames: {
        "#account": ORDER_FIELDS.accountId,
        "#vendor": ORDER_FIELDS.vendorId,
        "#price": ORDER_FIELDS.unitPrice,
        "#quantity": ORDER_FIELDS.quantity,
      },
    },
  );
  for await (const page of pages) {
    const deltas: SummaryDelta[] = [];
    for (const item of page.Items ?? []) {
      detailsItems += 1;
      const projected = projectItem(item);
      if ("reason" in projected) unprojectable.push(projected);
      else deltas.push(projected);
    }
    for (const change of aggregateDeltas(deltas)) {
      const sofar = byAccount.get(change.accountId);
      byAccount.set(change.accountId, {
        accountTotal: sofar ? sofar.accountTotal.plus(change.amount) : change.amount,
        orderCount: (sofar?.orderCount ?? 0) + change.orderCount,
      });
    }
  }
  return { byAccount, unprojectable, detailsItems };
}

function projectItem(item: Record<string, AttributeValue>): SummaryDelta | UnprojectableItem {
  const accountId = item[DETAILS_HASH_KEY]?.S ?? "";
  const vendorId = item[DETAILS_RANGE_KEY]?.S ?? "";
  // The SDK's and the stream's AttributeValue types differ only for binary values; the domain reads S and N.
  const image = item as unknown as ItemImage;
  try {
    return summaryDeltaOf({
      eventID: `${accountId}/${vendorId}`,
      eventName: "INSERT",
      dynamodb: {
        // The creation second only places the marks of applied records; a recompute from the table writes none.
        ApproximateCreationDateTime: 0,
        Keys: { [DETAILS_HASH_KEY]: image[DETAILS_HASH_KEY], [DETAILS_RANGE_KEY]: image[DETAILS_RANGE_KEY] },
        NewImage: image,
      },
    });
  } catch (error) {
    if (!(error instanceof UnprocessableRecordError)) throw error;
    const reason = error.cause instanceof InvalidOrderError ? error.cause.message : error.message;
    return { accountId, vendorId, reason };
  }
}
