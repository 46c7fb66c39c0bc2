import { UnprocessableRecordError } from "../../../functions/domain/errors";
import { summaryDeltaOf } from "../../../functions/domain/summary-delta";
import { changeRecordFromQueueMessage, toQueueMessageBody } from "../../../functions/shared/queue-message";
import { modifyRecord } from "../support/stream-records";

const order = { accountid: "acct-1", vendorid: "v-1", unitprice: "3.5", quantity: "2" };

describe("queue message body", () => {
  it("holds exactly the contract's subset of the stream record", () => {
    const record = modifyRecord("e-1", order, { ...order, quantity: "3" });
    expect(JSON.parse(toQueueMessageBody(record))).toEqual({
      eventID: "e-1",
      eventName: "MODIFY",
      eventSourceARN: record.eventSourceARN,
      dynamodb: {
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
  });

  it("escapes the characters SQS rejects without changing the JSON value", () => {
    const record = modifyRecord("e-3", order, order);
    const NewImage = { ...record.dynamodb?.NewImage, note: { S: "a\uFFFEb\uFFFF" } };
    const body = toQueueMessageBody({ ...record, dynamodb: { ...record.dynamodb, NewImage } });
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(changeRecordFromQueueMessage(body).dynamodb?.NewImage?.note?.S).toBe("a\uFFFEb\uFFFF");
  });

  it.each(["not json", "[1,2]", "null", '"text"'])("rejects the body %j as unprocessable", (body) => {
    expect(() => changeRecordFromQueueMessage(body)).toThrow(UnprocessableRecordError);
  });
});
