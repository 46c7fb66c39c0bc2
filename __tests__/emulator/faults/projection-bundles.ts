import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";

const projectRoot = path.resolve(__dirname, "..", "..", "..");

/** The real handlers, bundled as synthesis does, into a temp dir of their own. */
export class ProjectionBundles {
  readonly dir = mkdtempSync(path.join(tmpdir(), "fault-bundles-"));

  /** Bundles functions/<entry>/index.ts; returns the bundle file. */
  bundle(entry: string): string {
    const outfile = path.join(this.dir, entry, "index.js");
    buildSync({
      absWorkingDir: projectRoot,
      entryPoints: [path.join("functions", entry, "index.ts")],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "error",
    });
    return outfile;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
