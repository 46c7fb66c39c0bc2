import { findFreePort } from "../../../emulator/free-port";
import { seededRandom } from "../../../emulator/seeded-random";
import { getSummary, postOrder } from "../../../tools/load/api-client";
import { randomOrder } from "../../../tools/load/orders";

describe("load's API client against an unreachable URL", () => {
  it("names the URL and the network cause", async () => {
    const url = `http://127.0.0.1:${await findFreePort()}/dev`;
    const order = randomOrder(seededRandom(1), "acct-1", "v-1");
    await expect(postOrder({ url }, order)).rejects.toThrow(`cannot reach ${url}/order: ECONNREFUSED`);
    await expect(getSummary({ url }, "acct-1")).rejects.toThrow(`cannot reach ${url}/acct-1: ECONNREFUSED`);
  });

  it("names an unknown host", async () => {
    const url = "http://no-such-host.invalid/dev";
    await expect(getSummary({ url }, "a")).rejects.toThrow(
      /^cannot reach http:\/\/no-such-host\.invalid\/dev\/a: (ENOTFOUND|EAI_AGAIN)/,
    );
  });
});
