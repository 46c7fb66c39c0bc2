import fc from "fast-check";
import { Decimal } from "../../../functions/domain/decimal";
import { UnprocessableRecordError } from "../../../functions/domain/errors";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import type { SummaryDelta } from "../../../functions/domain/types";
import {
  accountMessageBodies,
  changeRecordFromQueueMessage,
  deltasFromQueueMessage,
  MAX_MESSAGE_BODY_BYTES,
  toQueueMessageBody,
} from "../../../functions/shared/queue-message";
import { insertRecord, modifyRecord } from "../support/stream-records";

const order = { accountid: "acct-1", vendorid: "v-1", unitprice: "3.5", quantity: "2" };

describe("queue message body", () => {
  it("holds exactly the contract's subset of the stream record", () => {
    const record = modifyRecord("e-1", order, { ...order, quantity: "3" });
    expect(JSON.parse(toQueueMessageBody(record))).toEqual({
      eventID: "e-1",
      eventName: "MODIFY",
      eventSourceARN: record.eventSourceARN,
      dynamodb: {
        ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime,
        Keys: record.dynamodb?.Keys,
        NewImage: record.dynamodb?.NewImage,
        OldImage: record.dynamodb?.OldImage,
        SequenceNumber: record.dynamodb?.SequenceNumber,
      },
    });
  });

  it("round-trips to the same delta", () => {
    const record = modifyRecord("e-2", order, { ...order, unitprice: "0.1", quantity: "3" });
    const delta = summaryDeltaOf(changeRecordFromQueueMessage(toQueueMessageBody(record)));
    expect(delta.amount.toFixed()).toBe(summaryDeltaOf(record).amount.toFixed());
    expect(delta.eventId).toBe("e-2");
    expect(delta.createdAt).toBe(record.dynamodb?.ApproximateCreationDateTime);
  });

  /** Any UTF-16 unit sequence, lone surrogates included: everything a string can hold on either side. */
  const anyUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  });
  /** SendMessage's allowed characters, as code points. */
  const sqsAllowed = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

  it("is printable ASCII, allowed by SQS, and reads back exactly, for any string attribute (property)", () => {
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.string({ unit: "binary" })), anyUnits, (city, coffeetype) => {
        const record = modifyRecord("e-3", order, order);
        const NewImage = { ...record.dynamodb?.NewImage, city: { S: city }, coffeetype: { S: coffeetype } };
        const body = toQueueMessageBody({ ...record, dynamodb: { ...record.dynamodb, NewImage } });
        expect(body).toMatch(/^[\x20-\x7e]*$/);
        expect(body).toMatch(sqsAllowed);
        const image = changeRecordFromQueueMessage(body).dynamodb?.NewImage;
        expect(image?.city?.S).toBe(city);
        expect(image?.coffeetype?.S).toBe(coffeetype);
      }),
    );
  });

  it.each([
    "\uFFFE\uFFFF",
    "Z\u00fcrich \u2615 \u{1D11E}",
    "\u0000\u001f\u007f",
    "\uD800 lone",
    "line\u2028separator",
  ])("writes %j as \\u escapes that JSON.parse restores", (text) => {
    const body = toQueueMessageBody(insertRecord("e-4", { ...order, vendorid: text }));
    expect(body).not.toContain(text);
    const parsed = changeRecordFromQueueMessage(body).dynamodb;
    expect([parsed?.Keys?.vendorid?.S, parsed?.NewImage?.vendorid?.S]).toEqual([text, text]);
  });

  it.each(["not json", "[1,2]", "null", '"text"'])("rejects the body %j as unprocessable", (body) => {
    expect(() => changeRecordFromQueueMessage(body)).toThrow(UnprocessableRecordError);
  });
});

describe("account messages", () => {
  const deltaOf = (index: number, accountId: string): SummaryDelta => ({
    eventId: `${index}`.padStart(32, "0"),
    createdAt: 1_760_000_000 + (index % 7),
    accountId,
    amount: Decimal(`${index}.05`),
    orderCount: index % 3 === 0 ? -1 : 1,
  });

  it("round-trips every delta exactly, one message per account", () => {
    const deltas = Array.from({ length: 30 }, (_, index) => deltaOf(index, `acct-${index % 3}`));
    const messages = accountMessageBodies(deltas);
    expect(messages).toHaveLength(3);
    const back = messages.flatMap((sent) => deltasFromQueueMessage(sent.body));
    const text = (list: SummaryDelta[]) =>
      list
        .map((delta) => ({ ...delta, amount: delta.amount.toFixed() }))
        .sort((a, b) => a.eventId.localeCompare(b.eventId));
    expect(text(back)).toEqual(text(deltas));
  });

  it("splits an account over several messages only past 64 KiB", () => {
    const deltas = Array.from({ length: 2000 }, (_, index) => deltaOf(index, "acct-hot"));
    const messages = accountMessageBodies(deltas);
    expect(messages.length).toBeGreaterThan(1);
    for (const sent of messages)
      expect(Buffer.byteLength(sent.body)).toBeLessThanOrEqual(MAX_MESSAGE_BODY_BYTES);
    expect(messages.flatMap((sent) => sent.eventIds)).toEqual(deltas.map((delta) => delta.eventId));
  });

  it.each([
    ["no records", { accountId: "a", records: [] }],
    [
      "an amount that is a JSON number",
      { accountId: "a", records: [{ eventId: "e", createdAt: 1, amount: 1.5, orderCount: 1 }] },
    ],
    [
      "an orderCount of 2",
      { accountId: "a", records: [{ eventId: "e", createdAt: 1, amount: "1", orderCount: 2 }] },
    ],
    ["no createdAt", { accountId: "a", records: [{ eventId: "e", amount: "1", orderCount: 1 }] }],
    ["no accountId", { records: [{ eventId: "e", createdAt: 1, amount: "1", orderCount: 1 }] }],
  ])("refuses an account message with %s", (_, body) => {
    expect(() => deltasFromQueueMessage(JSON.stringify(body))).toThrow(UnprocessableRecordError);
  });
});
