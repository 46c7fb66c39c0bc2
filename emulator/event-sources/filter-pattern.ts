import type { FilterPattern } from "./types";

/**
 * Event filtering as Lambda does it (EventBridge pattern syntax, a practical subset): fields in one
 * pattern are ANDed, patterns in the list are ORed, values in a list are ORed. Supports exact values,
 * null, "", prefix, suffix, equals-ignore-case, anything-but, numeric and exists.
 */
export function matchesAnyPattern(patterns: readonly FilterPattern[] | undefined, event: unknown): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((pattern) =>
    matchesObject(typeof pattern === "string" ? JSON.parse(pattern) : pattern, event),
  );
}

function matchesObject(pattern: Record<string, unknown>, event: unknown): boolean {
  const fields = event !== null && typeof event === "object" ? (event as Record<string, unknown>) : undefined;
  return Object.entries(pattern).every(([key, rule]) => {
    const present = fields !== undefined && key in fields && fields[key] !== undefined;
    const value = present ? fields[key] : undefined;
    if (Array.isArray(rule)) return rule.some((matcher) => matchesValue(matcher, value, present));
    if (rule !== null && typeof rule === "object")
      return present && matchesObject(rule as Record<string, unknown>, value);
    return false;
  });
}

function matchesValue(matcher: unknown, value: unknown, present: boolean): boolean {
  if (matcher !== null && typeof matcher === "object") {
    const [operator, operand] = Object.entries(matcher)[0] ?? [];
    if (operator === "exists") return operand === present;
    if (!present) return false;
    if (Array.isArray(value)) return value.some((item) => matchesOperator(operator, operand, item));
    return matchesOperator(operator, operand, value);
  }
  if (!present) return false;
  if (Array.isArray(value)) return value.some((item) => item === matcher);
  return value === matcher;
}

function matchesOperator(operator: string | undefined, operand: unknown, value: unknown): boolean {
  switch (operator) {
    case "prefix":
      return typeof value === "string" && typeof operand === "string" && value.startsWith(operand);
    case "suffix":
      return typeof value === "string" && typeof operand === "string" && value.endsWith(operand);
    case "equals-ignore-case":
      return (
        typeof value === "string" &&
        typeof operand === "string" &&
        value.toLowerCase() === operand.toLowerCase()
      );
    case "anything-but":
      return !matchesAnythingButOperand(operand, value);
    case "numeric":
      return Array.isArray(operand) && matchesNumeric(operand, value);
    default:
      return false;
  }
}

function matchesAnythingButOperand(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.includes(value);
  if (operand !== null && typeof operand === "object") {
    const [operator, inner] = Object.entries(operand)[0] ?? [];
    return matchesOperator(operator, inner, value);
  }
  return operand === value;
}

function matchesNumeric(conditions: unknown[], value: unknown): boolean {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (typeof value === "string" && value.trim() === "") return false;
  if (Number.isNaN(number)) return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const holds = {
      "<": number < bound,
      "<=": number <= bound,
      "=": number === bound,
      ">": number > bound,
      ">=": number >= bound,
    }[String(conditions[i])];
    if (!holds) return false;
  }
  return true;
}
