import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * Dependencies run one way, and no module imports itself through others: the product (deployed to AWS without anything else) imports neither the
 * emulator nor the tools; the emulator runs any synthesized stack, so it imports neither the product nor
 * the tools; the tools use both.
 */
const ROOT = path.resolve(__dirname, "..");

type Layer = "product" | "emulator" | "tools";

const LAYER_ROOTS: Record<Layer, readonly string[]> = {
  product: ["main.ts", "stacks", "functions", "templates"],
  emulator: ["emulator"],
  tools: ["tools"],
};

const FORBIDDEN: Record<Layer, readonly Layer[]> = {
  product: ["emulator", "tools"],
  emulator: ["product", "tools"],
  tools: [],
};

const SOURCE = /\.(ts|cts|mts|js|cjs|mjs)$/;

interface Import {
  /** Importing file, relative to the repository root. */
  file: string;
  specifier: string;
}

function layerOf(relativePath: string): Layer | undefined {
  const [top] = relativePath.split("/");
  return (Object.keys(LAYER_ROOTS) as Layer[]).find((layer) => LAYER_ROOTS[layer].includes(top));
}

function sourceFiles(entry: string): string[] {
  const absolute = path.join(ROOT, entry);
  if (!statSync(absolute, { throwIfNoEntry: false })) return [];
  if (!statSync(absolute).isDirectory()) return SOURCE.test(entry) ? [entry] : [];
  return readdirSync(absolute).flatMap((child) =>
    child === "node_modules" ? [] : sourceFiles(path.posix.join(entry, child)),
  );
}

/** Static imports, re-exports, `import()` and `require()` with a literal specifier. */
function importsOf(file: string, source: string): Import[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((imported) => ({ file, specifier: imported.fileName }));
}

/** "file: specifier (layer -> layer)" for every import that crosses a forbidden boundary. */
function violations(imports: Import[]): string[] {
  return imports.flatMap(({ file, specifier }) => {
    if (!specifier.startsWith(".")) return [];
    const from = layerOf(file);
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const to = layerOf(target);
    if (!from || !to || !FORBIDDEN[from].includes(to)) return [];
    return [`${file}: ${specifier} (${from} imports ${to})`];
  });
}

const RESOLVED_SUFFIXES = ["", ".ts", ".cts", ".mts", ".js", ".cjs", ".mjs", "/index.ts", "/index.js"];

/** Each importing file -> the files its relative imports (type-only ones included) resolve to. */
function importGraph(imports: Import[], files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const { file, specifier } of imports) {
    if (!specifier.startsWith(".")) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const resolved = RESOLVED_SUFFIXES.map((suffix) => target + suffix).find((candidate) =>
      known.has(candidate),
    );
    if (resolved) graph.get(file)?.push(resolved);
  }
  return graph;
}

/** "a -> b -> a" for every import cycle a depth-first walk closes. */
function cycles(graph: Map<string, string[]>): string[] {
  const done = new Set<string>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (file: string) => {
    const open = path.indexOf(file);
    if (open >= 0) {
      found.push([...path.slice(open), file].join(" -> "));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return found;
}

const layered = (Object.values(LAYER_ROOTS) as string[][]).flat().flatMap(sourceFiles);
const imports = layered.flatMap((file) => importsOf(file, readFileSync(path.join(ROOT, file), "utf8")));

it("no import runs against the direction product <- tools -> emulator", () => {
  expect(violations(imports)).toEqual([]);
});

it("no module imports itself through others", () => {
  expect(cycles(importGraph(imports, layered))).toEqual([]);
});

describe("the check sees what it must", () => {
  it("reads the sources of every layer", () => {
    for (const layer of Object.keys(LAYER_ROOTS) as Layer[]) {
      expect(layered.filter((file) => layerOf(file) === layer).length).toBeGreaterThan(5);
    }
  });

  it("finds the tools' imports of both the product and the emulator", () => {
    const targets = new Set(
      imports
        .filter(({ file, specifier }) => layerOf(file) === "tools" && specifier.startsWith("."))
        .map(({ file, specifier }) => layerOf(path.posix.join(path.posix.dirname(file), specifier))),
    );
    expect(targets).toEqual(new Set(["product", "emulator", "tools"]));
  });

  it.each([
    [
      "stacks/x.ts",
      'import { a } from "../emulator/a";',
      "stacks/x.ts: ../emulator/a (product imports emulator)",
    ],
    ["main.ts", 'export * from "./tools/b";', "main.ts: ./tools/b (product imports tools)"],
    [
      "emulator/p/x.ts",
      'const z = require("../../functions/z");',
      "emulator/p/x.ts: ../../functions/z (emulator imports product)",
    ],
    [
      "emulator/x.ts",
      'async function f() { return import("../tools/c"); }',
      "emulator/x.ts: ../tools/c (emulator imports tools)",
    ],
  ])("names %s importing against the direction", (file, source, expected) => {
    expect(violations(importsOf(file, source))).toEqual([expected]);
  });

  it("resolves the imports it walks for cycles", () => {
    const graph = importGraph(imports, layered);
    expect(graph.get("emulator/apigateway/handle-request.ts")).toContain(
      "emulator/apigateway/iam-authorization.ts",
    );
    expect(graph.get("emulator/apigateway/index.ts")).toContain("emulator/apigateway/types.ts");
  });

  it("names an import cycle, type-only imports included", () => {
    const files = ["e/types.ts", "e/auth.ts", "e/responses.ts", "e/index.ts"];
    const sources: Record<string, string> = {
      "e/types.ts": 'import type { A } from "./auth";',
      "e/auth.ts": 'import type { R } from "./responses";',
      "e/responses.ts": 'import type { T } from "./types";\nimport "node:fs";',
      "e/index.ts": 'export * from "./types";',
    };
    const graph = importGraph(
      files.flatMap((file) => importsOf(file, sources[file])),
      files,
    );
    expect(cycles(graph)).toEqual(["e/auth.ts -> e/responses.ts -> e/types.ts -> e/auth.ts"]);
    graph.set("e/responses.ts", []);
    expect(cycles(graph)).toEqual([]);
  });

  it("lets the tools import both, and packages anywhere", () => {
    const source = 'import "../../emulator/a";\nimport "../../stacks/b";\nimport "node:fs";\nimport "cdktf";';
    expect(violations(importsOf("tools/t/x.ts", source))).toEqual([]);
    expect(violations(importsOf("emulator/x.ts", 'import "cdktf";'))).toEqual([]);
  });
});
