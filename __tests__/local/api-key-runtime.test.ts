import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { getSummary, postOrder } from "../../local/load/api-client";
import { type LocalRuntime, startLocalRuntime } from "../../local/local-runtime";

let outdir: string;
let runtime: LocalRuntime;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), "cqrs-api-key-runtime-"));
  runtime = await startLocalRuntime({
    outdir,
    synth: true,
    synthEnvironment: { CQRS_API_KEY_REQUIRED: "true", CQRS_STREAM_BATCH_WINDOW_SECONDS: "0" },
    stacks: ["direct-projection"],
    ports: { "direct-projection": 0 },
    stateDir: null,
    functionLogs: "silent",
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

const order = {
  accountid: "keyed-account",
  vendorid: "order-0001",
  orderdate: "2021-12-01 10:15:30.123456",
  city: "Seattle",
  coffeetype: "Latte",
  coffeesize: "Large",
  unitprice: 4.1,
  quantity: 3,
};

it("serves only requests carrying the generated key, which the sensitive output resolves to", async () => {
  const [direct] = runtime.stacks;
  const apiKey = direct.apiKey;
  expect(apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
  expect(direct.outputs.api_key_value).toBe(apiKey);

  const withoutKey = await postOrder({ url: direct.url }, order);
  expect(withoutKey.status).toBe(403);
  expect(JSON.parse(withoutKey.text)).toEqual({ message: "Forbidden", requestId: expect.any(String) });
  expect((await postOrder({ url: direct.url, apiKey: "not-the-key" }, order)).status).toBe(403);
  expect((await getSummary({ url: direct.url }, order.accountid)).status).toBe(403);

  expect((await postOrder({ url: direct.url, apiKey }, order)).status).toBe(200);

  const deadline = Date.now() + 30_000;
  let reading = await getSummary({ url: direct.url, apiKey }, order.accountid);
  while (reading.status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    reading = await getSummary({ url: direct.url, apiKey }, order.accountid);
  }
  expect(reading).toMatchObject({ status: 200, total: "12.3", count: 1 });
}, 60_000);
