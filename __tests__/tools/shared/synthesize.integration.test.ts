import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SynthesisError, stackSettingsOf, synthesize, synthIsStale } from "../../../tools/shared/synthesize";

describe("synthesis for the local runtime", () => {
  let outdir: string;
  let defaultWarnings: string;
  const settings = { CQRS_ENVIRONMENT: "dev", CQRS_STREAM_BATCH_SIZE: "50" };

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), "cqrs-synth-stale-"));
    defaultWarnings = synthesize(outdir, settings);
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test("is fresh for the same sources and settings", () => {
    expect(synthIsStale(outdir, { ...process.env, ...settings })).toBe(false);
  });

  test("is stale when a stack setting changes, not when a local runtime setting does", () => {
    expect(synthIsStale(outdir, { ...process.env, ...settings, CQRS_STREAM_BATCH_SIZE: "60" })).toBe(true);
    expect(synthIsStale(outdir, { ...process.env, ...settings, CQRS_FAULT_TIMEOUT: "0.1" })).toBe(false);
    expect(synthIsStale(outdir, { ...process.env, ...settings, CQRS_LOCAL_DIRECT_PORT: "5000" })).toBe(false);
  });

  test("keeps only stack settings, sorted", () => {
    expect(
      stackSettingsOf({
        PATH: "/bin",
        CQRS_Z: "1",
        AWS_REGION: "eu-west-1",
        CQRS_FAULTS: "hostile",
        CQRS_A: "",
      }),
    ).toEqual({ AWS_REGION: "eu-west-1", CQRS_Z: "1" });
  });

  test("a failed synthesis says why", () => {
    const attempt = () => synthesize(path.join(outdir, "bad"), { CQRS_QUEUE_MAX_CONCURRENCY: "1" });
    expect(attempt).toThrow(SynthesisError);
    expect(attempt).toThrow(/CQRS_QUEUE_MAX_CONCURRENCY must be an integer from 2 to 1000, got "1"/);
  });

  test("the removed CQRS_API_KEY_REQUIRED stops synthesis with what to set instead", () => {
    const attempt = () => synthesize(path.join(outdir, "migrated"), { CQRS_API_KEY_REQUIRED: "true" });
    expect(attempt).toThrow(SynthesisError);
    expect(attempt).toThrow(/CQRS_API_KEY_REQUIRED was replaced by CQRS_API_AUTH: .*CQRS_API_AUTH=api_key/);
  });

  test("CQRS_API_AUTH=none synthesizes with one warning on stderr; the default warns of nothing", () => {
    const warnings = synthesize(path.join(outdir, "open"), { CQRS_API_AUTH: "none" });
    expect(warnings.match(/WARNING: /g)).toHaveLength(1);
    expect(warnings).toMatch(
      /WARNING: CQRS_API_AUTH=none: both stacks' APIs accept unauthenticated requests/,
    );
    expect(defaultWarnings).toBe("");
  }, 120_000);

  test("is stale when the output was not made by this runtime (no settings stamp)", () => {
    unlinkSync(path.join(outdir, "cqrs-settings.json"));
    expect(synthIsStale(outdir, { ...process.env, ...settings })).toBe(true);
  });
});
