import fc from "fast-check";
import { Decimal } from "../../../functions/domain/decimal";
import { UnprocessableRecordError } from "../../../functions/domain/errors";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import type { SummaryDelta } from "../../../functions/domain/types";
import {
  changeRecordFromQueueMessage,
  deltasFromQueueMessage,
  deltasMessageBodies,
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

describe("deltas messages", () => {
  const deltaOf = (index: number, accountId: string): SummaryDelta => ({
    eventId: `${index}`.padStart(32, "0"),
    createdAt: 1_760_000_000 + (index % 7),
    accountId,
    amount: Decimal(`${index}.05`),
    orderCount: index % 3 === 0 ? -1 : 1,
  });
  const text = (list: SummaryDelta[]) =>
    list
      .map((delta) => ({ ...delta, amount: delta.amount.toFixed() }))
      .sort((a, b) => a.eventId.localeCompare(b.eventId));
  const accountsOf = (body: string) =>
    (JSON.parse(body) as { accounts: { accountId: string }[] }).accounts.map((entry) => entry.accountId);

  it("packs a batch's accounts into one message, each account once, and round-trips every delta exactly", () => {
    const deltas = Array.from({ length: 30 }, (_, index) => deltaOf(index, `acct-${index % 3}`));
    const messages = deltasMessageBodies(deltas);
    expect(messages).toHaveLength(1);
    expect(accountsOf(messages[0].body)).toEqual(["acct-0", "acct-1", "acct-2"]);
    expect(text(deltasFromQueueMessage(messages[0].body))).toEqual(text(deltas));
    expect(messages[0].eventIds.sort()).toEqual(deltas.map((delta) => delta.eventId).sort());
  });

  it.each([
    ["one hot account", (_index: number) => "acct-hot"],
    ["10,000 accounts", (index: number) => `acct-${index % 10_000}`],
  ])("splits %s over several messages of at most 64 KiB, losing nothing", (_, accountOf) => {
    const deltas = Array.from({ length: 3000 }, (_, index) => deltaOf(index, accountOf(index)));
    const messages = deltasMessageBodies(deltas);
    expect(messages.length).toBeGreaterThan(1);
    for (const sent of messages) {
      expect(Buffer.byteLength(sent.body)).toBeLessThanOrEqual(MAX_MESSAGE_BODY_BYTES);
      expect(new Set(accountsOf(sent.body)).size).toBe(accountsOf(sent.body).length);
    }
    // Full messages: one fewer would not hold them.
    const bytes = messages.reduce((sum, sent) => sum + Buffer.byteLength(sent.body), 0);
    expect(messages.length).toBeLessThanOrEqual(Math.ceil(bytes / MAX_MESSAGE_BODY_BYTES) + 1);
    expect(text(messages.flatMap((sent) => deltasFromQueueMessage(sent.body)))).toEqual(text(deltas));
    expect(messages.flatMap((sent) => sent.eventIds).sort()).toEqual(deltas.map((d) => d.eventId).sort());
  });

  it("still reads an account message, the one-account shape sent before deltas messages", () => {
    const body = JSON.stringify({
      accountId: "a",
      records: [{ eventId: "e", createdAt: 1, amount: "1.10", orderCount: 1 }],
    });
    expect(text(deltasFromQueueMessage(body))).toEqual(
      text([{ eventId: "e", createdAt: 1, accountId: "a", amount: Decimal("1.10"), orderCount: 1 }]),
    );
  });

  const record = { eventId: "e", createdAt: 1, amount: "1", orderCount: 1 };
  it.each([
    ["no accounts", { accounts: [] }],
    ["accounts that are not a list", { accounts: { accountId: "a", records: [record] } }],
    ["a null account", { accounts: [null] }],
    ["an account without records", { accounts: [{ accountId: "a", records: [] }] }],
    [
      "an amount that is a JSON number",
      { accounts: [{ accountId: "a", records: [{ ...record, amount: 1.5 }] }] },
    ],
    ["an orderCount of 2", { accounts: [{ accountId: "a", records: [{ ...record, orderCount: 2 }] }] }],
    ["no createdAt", { accounts: [{ accountId: "a", records: [{ ...record, createdAt: undefined }] }] }],
    ["no accountId", { accounts: [{ records: [record] }] }],
    [
      "one good account and one without eventId",
      {
        accounts: [
          { accountId: "a", records: [record] },
          { accountId: "b", records: [{ ...record, eventId: "" }] },
        ],
      },
    ],
    ["an account message without records", { accountId: "a", records: [] }],
  ])("refuses a message with %s", (_, body) => {
    expect(() => deltasFromQueueMessage(JSON.stringify(body))).toThrow(UnprocessableRecordError);
  });
});
