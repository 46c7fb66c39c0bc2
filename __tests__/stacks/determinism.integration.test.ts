import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SYNTHESIS_SOURCES } from "../../tools/shared/synthesize";

const PROJECT = path.resolve(__dirname, "..", "..");

function synthInto(projectDir: string, outdir: string, env: NodeJS.ProcessEnv = {}): void {
  execFileSync(process.execPath, [path.join(PROJECT, "node_modules", "tsx", "dist", "cli.mjs"), "main.ts"], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, ...env },
    stdio: "pipe",
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => statSync(path.join(dir, file)).isFile())
    .sort();
}

describe("synthesis", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "cqrs-synth-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("is byte-identical from two checkouts at different paths and embeds neither path", () => {
    const copy = path.join(scratch, "elsewhere", "checkout");
    for (const entry of SYNTHESIS_SOURCES)
      cpSync(path.join(PROJECT, entry), path.join(copy, entry), { recursive: true });
    symlinkSync(path.join(PROJECT, "node_modules"), path.join(copy, "node_modules"));

    const first = path.join(scratch, "out-1");
    const second = path.join(scratch, "out-2");
    synthInto(PROJECT, first);
    synthInto(copy, second);

    const files = filesUnder(first);
    expect(files).toEqual(filesUnder(second));
    expect(files).toEqual(
      expect.arrayContaining([
        path.join("stacks", "direct-projection", "cdk.tf.json"),
        path.join("stacks", "queued-projection", "cdk.tf.json"),
      ]),
    );
    for (const file of files) {
      const a = readFileSync(path.join(first, file));
      expect(a.equals(readFileSync(path.join(second, file)))).toBe(true);
      const text = a.toString("utf8");
      for (const machinePath of [PROJECT, copy, scratch]) expect(text).not.toContain(machinePath);
    }
  });

  test("stops with a message naming the invalid setting", () => {
    expect(() =>
      synthInto(PROJECT, path.join(scratch, "out-bad"), { CQRS_QUEUE_MAX_CONCURRENCY: "0" }),
    ).toThrow(/CQRS_QUEUE_MAX_CONCURRENCY must be an integer from 2 to 1000, got "0"/);
  });
});
