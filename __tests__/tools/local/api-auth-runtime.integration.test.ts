import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { getSummary, postOrder } from "../../../tools/load/api-client";
import { type LocalRuntime, startLocalRuntime } from "../../../tools/local/local-runtime";
import type { EndpointsFile } from "../../../tools/shared/endpoints-file";

const order = {
  accountid: "auth-account",
  vendorid: "order-0001",
  orderdate: "2021-12-01 10:15:30.123456",
  city: "Seattle",
  coffeetype: "Latte",
  coffeesize: "Large",
  unitprice: 4.1,
  quantity: 3,
};

/** Reads the summary until it has the order (the projection is asynchronous). */
async function summaryOf(target: Parameters<typeof getSummary>[0]) {
  const deadline = Date.now() + 30_000;
  let reading = await getSummary(target, order.accountid);
  while (reading.status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    reading = await getSummary(target, order.accountid);
  }
  return reading;
}

describe.each(["api_key", "none"])("CQRS_API_AUTH=%s on the local runtime", (mode) => {
  let outdir: string;
  let runtime: LocalRuntime;

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), `cqrs-auth-${mode}-`));
    runtime = await startLocalRuntime({
      outdir,
      synth: true,
      synthEnvironment: { CQRS_API_AUTH: mode, CQRS_STREAM_BATCH_WINDOW_SECONDS: "0" },
      stacks: ["direct-projection"],
      ports: { "direct-projection": 0 },
      stateDir: outdir,
      functionLogs: "silent",
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  test("endpoints.json says how to call the stack, and nothing to sign with", () => {
    const [direct] = runtime.stacks;
    const endpoints = JSON.parse(readFileSync(path.join(outdir, "endpoints.json"), "utf8")) as EndpointsFile;
    expect(endpoints["direct-projection"]).toMatchObject({
      url: direct.url,
      auth: mode,
      apiKey: direct.apiKey,
      signing: null,
    });
    expect(direct.outputs.api_auth).toBe(mode);
  });

  if (mode === "api_key") {
    test("serves only requests carrying the generated key, which the sensitive output resolves to", async () => {
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
      expect(await summaryOf({ url: direct.url, apiKey })).toMatchObject({
        status: 200,
        total: "12.3",
        count: 1,
      });
    }, 60_000);
  } else {
    test("serves anyone: no key, no signature", async () => {
      const [direct] = runtime.stacks;
      expect(direct.apiKey).toBeNull();
      expect((await postOrder({ url: direct.url }, order)).status).toBe(200);
      expect(await summaryOf({ url: direct.url })).toMatchObject({ status: 200, total: "12.3", count: 1 });
    }, 60_000);
  }
});
