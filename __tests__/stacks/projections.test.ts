import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { type App, Testing } from "cdktf";
import ts from "typescript";
import { SETTINGS } from "../../stacks/config";
import {
  ALL_STACK_NAMES,
  PROJECTION_PATTERNS,
  PROJECTION_STACK_NAMES,
  projectionPattern,
} from "../../stacks/projections";
import { defaultConfig, type TerraformJson } from "./synth-helpers";

const ROOT = path.resolve(__dirname, "../..");

const unique = (values: readonly unknown[]) => new Set(values).size === values.length;

describe("the projection registry", () => {
  test.each(PROJECTION_PATTERNS.map((pattern) => [pattern.stackName, pattern]))(
    "%s synthesizes a stack of that name serving the orders API",
    (_name, pattern) => {
      const stack = pattern.createStack(Testing.app() as App, defaultConfig());
      expect(stack.node.id).toBe(pattern.stackName);
      expect(stack.namePrefix).toBe(`cqrs-${pattern.shortName}-dev`);
      const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
      expect(Object.keys(json.resource.aws_api_gateway_rest_api ?? {})).toHaveLength(1);
      expect(Object.keys(json.resource.aws_dynamodb_table ?? {})).toHaveLength(3);
    },
  );

  test("names, ports and variables are unique", () => {
    expect(unique(ALL_STACK_NAMES)).toBe(true);
    expect(unique(PROJECTION_PATTERNS.map((pattern) => pattern.shortName))).toBe(true);
    expect(unique(PROJECTION_PATTERNS.map((pattern) => pattern.localPort))).toBe(true);
    expect(unique(PROJECTION_PATTERNS.map((pattern) => pattern.localPortVariable))).toBe(true);
    expect(unique(PROJECTION_PATTERNS.map((pattern) => pattern.summaryWriteCapacityVariable))).toBe(true);
  });

  test("each pattern's summary capacity variable is a declared setting", () => {
    const declared = SETTINGS.map((setting) => setting.variable);
    for (const pattern of PROJECTION_PATTERNS)
      expect(declared).toContain(pattern.summaryWriteCapacityVariable);
  });

  test("looks patterns up by stack name and names the known ones otherwise", () => {
    for (const name of PROJECTION_STACK_NAMES) expect(projectionPattern(name).stackName).toBe(name);
    expect(() => projectionPattern("account-setup")).toThrow(PROJECTION_STACK_NAMES.join(", "));
  });
});

/** Sources of the product, the emulator and the tools (tests excluded). */
function sourceFiles(entry: string): string[] {
  const absolute = path.join(ROOT, entry);
  if (!statSync(absolute, { throwIfNoEntry: false })) return [];
  if (!statSync(absolute).isDirectory()) return /\.(ts|cjs|mjs|js)$/.test(entry) ? [entry] : [];
  return readdirSync(absolute).flatMap((child) =>
    child === "node_modules" ? [] : sourceFiles(path.posix.join(entry, child)),
  );
}

/** Every string literal (whole text) and numeric literal of a source file. */
function literalsOf(file: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard);
  scanner.setText(readFileSync(path.join(ROOT, file), "utf8"));
  const literals: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.StringLiteral || token === ts.SyntaxKind.NumericLiteral) {
      literals.push(scanner.getTokenValue());
    } else if (token === ts.SyntaxKind.NoSubstitutionTemplateLiteral) {
      literals.push(scanner.getTokenValue());
    }
  }
  return literals;
}

describe("no list of patterns outside the registry", () => {
  const files = ["main.ts", "stacks", "functions", "templates", "emulator", "tools"].flatMap(sourceFiles);
  /** A stack's own file is `stacks/<stack name>-stack.ts`; the registry is `stacks/projections.ts`. */
  const allowed = (file: string) =>
    file === "stacks/projections.ts" ||
    PROJECTION_STACK_NAMES.some((name) => file === `stacks/${name}-stack.ts`);
  const facts = PROJECTION_PATTERNS.flatMap((pattern) => [
    pattern.stackName,
    pattern.localPortVariable,
    String(pattern.localPort),
  ]);

  it("no other source spells a pattern's stack name, local port or port variable as a literal", () => {
    const offenders = files
      .filter((file) => !allowed(file))
      .flatMap((file) => {
        const literals = literalsOf(file);
        return facts.filter((fact) => literals.includes(fact)).map((fact) => `${file}: ${fact}`);
      });
    expect(offenders).toEqual([]);
  });

  it("sees the literals where they are allowed", () => {
    expect(files.length).toBeGreaterThan(100);
    for (const pattern of PROJECTION_PATTERNS) {
      expect(literalsOf("stacks/projections.ts")).toContain(pattern.localPortVariable);
      expect(literalsOf(`stacks/${pattern.stackName}-stack.ts`)).toContain(pattern.stackName);
    }
  });
});
