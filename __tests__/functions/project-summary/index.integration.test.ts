import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { setEnvironment } from "../support/environment";
import { handlerOnDynamoDbLocal } from "../support/handler-on-dynamodb-local";
import { insertRecord, modifyRecord, removeRecord, sequenceNumberOf } from "../support/stream-records";
import { readMarks, readSummary, seedUnwritableSummary } from "../support/summary-tables";

type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const order = (accountid: string, vendorid: string, unitprice: string, quantity: string) => ({
  accountid,
  vendorid,
  unitprice,
  quantity,
});
const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe("project-summary handler on DynamoDB Local", () => {
  const local = handlerOnDynamoDbLocal<Handler>(() => import("../../../functions/project-summary"));

  it("projects INSERT, MODIFY and REMOVE records of several accounts exactly and reports no failures", async () => {
    const coffee = order("h-1", "v-1", "3.5", "2");
    const tea = order("h-1", "v-2", "0.1", "3");
    const cake = order("h-2", "v-1", "4.25", "1");
    const response = await local.handler(
      streamEvent(
        insertRecord("h-e1", coffee),
        insertRecord("h-e2", tea),
        insertRecord("h-e3", cake),
        modifyRecord("h-e4", coffee, { ...coffee, quantity: "1" }),
        removeRecord("h-e5", cake),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "h-1")).toEqual({
      account_total: "3.8",
      order_count: "2",
    });
    expect(await readSummary(local.raw, local.tables, "h-2")).toEqual({
      account_total: "0",
      order_count: "0",
    });
  });

  it("leaves the summary unchanged when the same batch is delivered twice", async () => {
    const event = streamEvent(
      insertRecord("d-e1", order("d-1", "v-1", "1.1", "3")),
      insertRecord("d-e2", order("d-1", "v-2", "2.2", "1")),
    );
    expect(await local.handler(event)).toEqual({ batchItemFailures: [] });
    expect(await local.handler(event)).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "d-1")).toEqual({
      account_total: "5.5",
      order_count: "2",
    });
  });

  it("applies only the new records when a batch is redelivered from a checkpoint after a crash", async () => {
    const first = insertRecord("c-e1", order("c-1", "v-1", "10", "1"));
    const second = insertRecord("c-e2", order("c-1", "v-2", "0.5", "2"));
    const third = insertRecord("c-e3", order("c-1", "v-3", "0.25", "4"));
    await local.handler(streamEvent(first, second));

    expect(await local.handler(streamEvent(second, third))).toEqual({ batchItemFailures: [] });
    expect(await readSummary(local.raw, local.tables, "c-1")).toEqual({
      account_total: "12",
      order_count: "3",
    });
  });

  it("reports unprocessable records by SequenceNumber and still applies the rest of the batch", async () => {
    const good = insertRecord("u-e1", order("u-1", "v-1", "2", "2"));
    const fractionalQuantity = insertRecord("u-e2", order("u-1", "v-2", "2", "1.5"));
    const noNewImage = insertRecord("u-e3", order("u-2", "v-1", "2", "1"));
    delete noNewImage.dynamodb?.NewImage;

    const response = await local.handler(streamEvent(good, fractionalQuantity, noNewImage));

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumberOf(fractionalQuantity) },
        { itemIdentifier: sequenceNumberOf(noNewImage) },
      ],
    });
    expect(await readSummary(local.raw, local.tables, "u-1")).toEqual({
      account_total: "4",
      order_count: "1",
    });
    expect(await readSummary(local.raw, local.tables, "u-2")).toBeUndefined();
  });

  it("reports every record of an account whose write fails, and only those", async () => {
    await seedUnwritableSummary(local.raw, local.tables, "f-broken");
    const broken1 = insertRecord("f-e1", order("f-broken", "v-1", "1", "1"));
    const fine = insertRecord("f-e2", order("f-ok", "v-1", "1", "1"));
    const broken2 = insertRecord("f-e3", order("f-broken", "v-2", "1", "1"));

    const response = await local.handler(streamEvent(broken1, fine, broken2));

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumberOf(broken1) },
        { itemIdentifier: sequenceNumberOf(broken2) },
      ],
    });
    expect(await readSummary(local.raw, local.tables, "f-ok")).toEqual({
      account_total: "1",
      order_count: "1",
    });
    const marks = [...(await readMarks(local.raw, local.tables, "f-ok")).buckets.values()].flat();
    expect(marks).toEqual(["f-e2"]);
    expect((await readMarks(local.raw, local.tables, "f-broken")).buckets.size).toBe(0);
  });

  it("keeps one mark per applied record, so each record was written once", async () => {
    const records = Array.from({ length: 12 }, (_, index) =>
      insertRecord(`l-e${index}`, order(`l-${index % 3}`, `v-${index}`, "0.1", "1")),
    );
    await local.handler(streamEvent(...records));
    await local.handler(streamEvent(...records.slice(4)));
    for (const account of ["l-0", "l-1", "l-2"]) {
      const marks = [...(await readMarks(local.raw, local.tables, account)).buckets.values()].flat();
      expect(marks).toHaveLength(4);
      expect(await readSummary(local.raw, local.tables, account)).toEqual({
        account_total: "0.4",
        order_count: "4",
      });
    }
  });

  it("refuses to load without a table name and names the missing variable", () => {
    const restore = setEnvironment({ LEDGER_TABLE_NAME: undefined });
    try {
      jest.isolateModules(() => {
        expect(() => require("../../../functions/project-summary")).toThrow(/LEDGER_TABLE_NAME/);
      });
    } finally {
      restore();
    }
  });
});
