import { JsonNumber, stringifyExactJson } from "./exact-json";

/**
 * How API Gateway prints a value placed in template output: null and missing become "",
 * maps print Java-style (`{a=1, b=x}`), lists print as compact JSON, also inside maps.
 */
export function formatTemplateValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof JsonNumber) return value.toString();
  if (Array.isArray(value)) return stringifyExactJson(value);
  if (typeof value === "object") return formatJavaMap(value as Record<string, unknown>);
  return String(value);
}

function formatJavaMap(map: Record<string, unknown>): string {
  const entries = Object.keys(map)
    .filter((key) => typeof map[key] !== "function")
    .map((key) => `${key}=${formatNested(map[key])}`);
  return `{${entries.join(", ")}}`;
}

function formatNested(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return formatTemplateValue(value);
}
