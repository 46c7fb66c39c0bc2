import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes tiny CommonJS handler files to a temp dir, standing in for esbuild bundles. */
export class HandlerBundles {
  readonly dir = mkdtempSync(join(tmpdir(), "local-runtime-handlers-"));

  /** `source` is the body of a CommonJS module that sets exports.handler. Returns the file path. */
  write(name: string, source: string): string {
    const file = join(this.dir, `${name}.js`);
    writeFileSync(file, source);
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A require() expression that loads a package from this project's node_modules inside a temp bundle. */
export function requireFromProject(packageName: string): string {
  return `require(${JSON.stringify(require.resolve(packageName))})`;
}
