import type { DynamoDBRecord } from "aws-lambda";
import { toDecimalText } from "../../../functions/domain/decimal";
import { InvalidOrderError, UnprocessableRecordError } from "../../../functions/domain/errors";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import { DEFAULT_CREATED_AT, insertRecord, modifyRecord, removeRecord } from "../support/stream-records";

const order = { accountid: "acct-1", vendorid: "v-1", unitprice: "3.5", quantity: "2" };

const plain = (record: DynamoDBRecord) => {
  const delta = summaryDeltaOf(record);
  return { ...delta, amount: toDecimalText(delta.amount) };
};

describe("summaryDeltaOf", () => {
  it("INSERT adds the new order", () => {
    expect(plain(insertRecord("e-1", order))).toEqual({
      eventId: "e-1",
      createdAt: DEFAULT_CREATED_AT,
      accountId: "acct-1",
      amount: "7",
      orderCount: 1,
    });
  });

  it("MODIFY adds new minus old and leaves the count alone", () => {
    expect(plain(modifyRecord("e-2", order, { ...order, unitprice: "0.1", quantity: "3" }))).toEqual({
      eventId: "e-2",
      createdAt: DEFAULT_CREATED_AT,
      accountId: "acct-1",
      amount: "-6.7",
      orderCount: 0,
    });
  });

  it("REMOVE subtracts the old order", () => {
    expect(plain(removeRecord("e-3", order))).toEqual({
      eventId: "e-3",
      createdAt: DEFAULT_CREATED_AT,
      accountId: "acct-1",
      amount: "-7",
      orderCount: -1,
    });
  });

  const insert = insertRecord("bad", order);
  const withImage = (image: Record<string, unknown>): DynamoDBRecord =>
    ({ ...insert, dynamodb: { ...insert.dynamodb, NewImage: image } }) as DynamoDBRecord;

  it.each<[string, DynamoDBRecord]>([
    ["no eventID", { ...insert, eventID: undefined }],
    [
      "no ApproximateCreationDateTime",
      { ...insert, dynamodb: { ...insert.dynamodb, ApproximateCreationDateTime: undefined } },
    ],
    [
      "a fractional creation time",
      { ...insert, dynamodb: { ...insert.dynamodb, ApproximateCreationDateTime: 1.5 } },
    ],
    ["no Keys.accountid", { ...insert, dynamodb: { ...insert.dynamodb, Keys: { vendorid: { S: "v" } } } }],
    ["an unknown eventName", { ...insert, eventName: "UPSERT" as "INSERT" }],
    ["an INSERT without NewImage", { ...insert, dynamodb: { ...insert.dynamodb, NewImage: undefined } }],
    ["a MODIFY without OldImage", { ...insert, eventName: "MODIFY" }],
    ["a REMOVE without OldImage", { ...insert, eventName: "REMOVE" }],
    ["a missing quantity", withImage({ unitprice: { N: "1" } })],
    ["a unitprice stored as a string", withImage({ unitprice: { S: "1" }, quantity: { N: "1" } })],
  ])("throws UnprocessableRecordError for %s", (_, record) => {
    expect(() => summaryDeltaOf(record)).toThrow(UnprocessableRecordError);
  });

  it("keeps the invalid attribute as the cause", () => {
    let thrown: unknown;
    try {
      summaryDeltaOf(withImage({ unitprice: { N: "1" }, quantity: { N: "1.5" } }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnprocessableRecordError);
    expect((thrown as UnprocessableRecordError).eventId).toBe("bad");
    expect((thrown as Error).cause).toBeInstanceOf(InvalidOrderError);
    expect(((thrown as Error).cause as InvalidOrderError).attribute).toBe("quantity");
  });

  it("does not crash on a null record from untrusted JSON", () => {
    expect(() => summaryDeltaOf(null as unknown as DynamoDBRecord)).toThrow(UnprocessableRecordError);
  });
});
