import { randomUUID } from "node:crypto";
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { readPrices } from "../../../emulator/cost/charges";
import { type MeteringProxy, startMeteringProxy } from "../../../emulator/cost/metering-proxy";
import { findFreePort } from "../../../emulator/free-port";
import { localClientConfig } from "../../../emulator/local-credentials";
import { type SqsLocal, startSqsLocal } from "../../../emulator/sqs-local";
import { type Arrival, streamBatches } from "../../../tools/bench/batching";
import { PRICES_FILE } from "../../../tools/bench/prices";
import { pollQueue } from "../../../tools/bench/sqs-poller";

const arrivals = (count: number, perSecond: number): Arrival<number>[] =>
  Array.from({ length: count }, (_, k) => ({ at: k / perSecond, item: k }));

describe("stream batches in simulated time", () => {
  it("with no window, holds what one poll a quarter second finds", () => {
    const batches = streamBatches(arrivals(100, 100), { batchSize: 99, windowSeconds: 0 });
    expect(batches.map((b) => b.items.length)).toEqual([1, 25, 25, 25, 24]);
    expect(batches.map((b) => b.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("with a window, closes when the batch is full or the window has passed, never before its records exist", () => {
    const fast = streamBatches(arrivals(300, 100), { batchSize: 99, windowSeconds: 1 });
    expect(fast.map((b) => b.items.length)).toEqual([99, 99, 99, 3]);
    const slow = streamBatches(arrivals(30, 10), { batchSize: 99, windowSeconds: 1 });
    // At 10 orders/s a batch holds the records of its 1 s window and of the quarter second before the
    // poll that opened it, no more.
    for (const batch of slow) {
      const span = (batch.items[batch.items.length - 1] - batch.items[0]) / 10;
      expect(span).toBeLessThanOrEqual(1.25);
    }
    expect(slow[0].items).toHaveLength(11);
    for (const [batches, perSecond] of [
      [fast, 100],
      [slow, 10],
    ] as const) {
      for (const batch of batches) {
        for (const k of batch.items) expect(k / perSecond).toBeLessThanOrEqual(batch.at + 1e-9);
      }
    }
    expect([...fast, ...slow].flatMap((b) => b.items)).toHaveLength(330);
  });
});

describe("the simulated SQS poller, on the real queue", () => {
  let sqsLocal: SqsLocal;
  let proxy: MeteringProxy;
  let sqs: SQSClient;

  beforeAll(async () => {
    const port = await findFreePort();
    sqsLocal = await startSqsLocal({ queueUrlPort: port });
    proxy = await startMeteringProxy(
      { dynamodb: "http://127.0.0.1:9", sqs: sqsLocal.endpoint },
      readPrices(PRICES_FILE),
      {
        sqsPort: port,
      },
    );
    sqs = new SQSClient(localClientConfig(proxy.sqsEndpoint));
  });

  afterAll(async () => {
    sqs?.destroy();
    await proxy?.stop();
    await sqsLocal?.stop();
  });

  it("receives what is there up to 10 at a time, and counts a long poll that waits out 20 s as an empty receive", async () => {
    const { QueueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: `q-${randomUUID()}` }));
    // 25 messages at t = 0, 5 more at t = 50 s.
    const sends = [
      { at: 0, count: 25 },
      { at: 50, count: 5 },
    ];
    let next = 0;
    const invoked: { size: number; at: number }[] = [];
    proxy.reset();
    await pollQueue(
      {
        nextAt: () => sends[next]?.at,
        runNext: async () => {
          const { count } = sends[next++];
          for (let i = 0; i < count; i += 10) {
            await sqs.send(
              new SendMessageBatchCommand({
                QueueUrl,
                Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
                  Id: String(j),
                  MessageBody: `m${i + j}`,
                })),
              }),
            );
          }
        },
      },
      {
        sqs,
        queueUrl: QueueUrl,
        depth: async () => {
          const meter = proxy.meters().sqs;
          return meter.messagesSent - meter.messagesReceived;
        },
        batching: { batchSize: 10, windowSeconds: 0 },
        visibilityTimeoutSeconds: 30,
        invoke: async (messages, at) => {
          invoked.push({ size: messages.length, at });
        },
      },
    );
    expect(invoked).toEqual([
      { size: 10, at: 0 },
      { size: 10, at: 0 },
      { size: 5, at: 0 },
      { size: 5, at: 50 },
    ]);
    const meter = proxy.meters().sqs;
    // Waits of 20 s at t = 0 and 20 end empty; the one from t = 40 gets the messages sent at 50.
    expect(meter.emptyReceives).toBe(2);
    expect(meter.requests).toEqual({ SendMessageBatch: 4, ReceiveMessage: 6, DeleteMessageBatch: 4 });
  });
});
