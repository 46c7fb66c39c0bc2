import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalRuntimeError, portSetting, startLocalRuntime } from "../../../tools/local/local-runtime";

/**
 * A cdktf.out with the three stacks, two of them serving an API: enough for the checks made before
 * anything starts.
 */
function fakeOutdir(): string {
  const outdir = mkdtempSync(path.join(tmpdir(), "cqrs-runtime-"));
  const stacks: Record<string, string> = {
    "account-setup": "aws_api_gateway_account",
    "direct-projection": "aws_api_gateway_rest_api",
    "queued-projection": "aws_api_gateway_rest_api",
  };
  for (const [name, resourceType] of Object.entries(stacks)) {
    mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    writeFileSync(
      path.join(outdir, "stacks", name, "cdk.tf.json"),
      JSON.stringify({ resource: { [resourceType]: { it: {} } } }),
    );
  }
  writeFileSync(
    path.join(outdir, "manifest.json"),
    JSON.stringify({ stacks: Object.fromEntries(Object.keys(stacks).map((name) => [name, {}])) }),
  );
  return outdir;
}

describe("startLocalRuntime refuses before starting anything", () => {
  let outdir: string;
  let occupied: Server;
  let port: number;

  beforeAll(async () => {
    outdir = fakeOutdir();
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, resolve));
    port = (occupied.address() as { port: number }).port;
  });
  afterAll(() => {
    occupied.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  test("a port in use, naming the port, the stack and the flag", async () => {
    const attempt = startLocalRuntime({
      outdir,
      synth: false,
      stateDir: null,
      ports: { "direct-projection": port },
    });
    await expect(attempt).rejects.toThrow(LocalRuntimeError);
    await expect(
      startLocalRuntime({ outdir, synth: false, stateDir: null, ports: { "direct-projection": port } }),
    ).rejects.toThrow(
      `port ${port} for direct-projection is already in use: pass --direct-port <port> or set CQRS_LOCAL_DIRECT_PORT`,
    );
  });

  test("an unknown stack, naming the ones that run", async () => {
    await expect(
      startLocalRuntime({ outdir, synth: false, stateDir: null, stacks: ["nope"] }),
    ).rejects.toThrow(
      'unknown stack "nope": the stacks that run locally are direct-projection, queued-projection',
    );
  });

  test("the account-setup stack, saying why it does not run", async () => {
    await expect(
      startLocalRuntime({ outdir, synth: false, stateDir: null, stacks: ["account-setup"] }),
    ).rejects.toThrow(
      'stack "account-setup" holds account-wide settings only and has nothing to run locally: run direct-projection or queued-projection',
    );
  });

  test("port settings follow the stack name", () => {
    expect(portSetting("queued-projection")).toEqual({
      flag: "--queued-port",
      variable: "CQRS_LOCAL_QUEUED_PORT",
    });
  });
});
