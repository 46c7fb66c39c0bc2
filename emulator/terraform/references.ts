/**
 * Terraform string templates as they appear in `cdk.tf.json`: literal text, `$${`/`%%{` escapes and
 * `${...}` interpolations. The local runtime understands references (`type.name.attr`,
 * `data.type.name.attr`) and `path.module`; any other expression is refused with its location.
 */

export interface Address {
  mode: "resource" | "data";
  type: string;
  name: string;
}

export type AttributeLookup = (address: Address, attribute: string) => unknown;

export class UnsupportedExpressionError extends Error {
  override name = "UnsupportedExpressionError";
}

const REFERENCE = /^(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)$/;

interface Context {
  lookup: AttributeLookup;
  pathModule: string;
  /** Where the value sits, for error messages, e.g. `aws_lambda_function.x.environment`. */
  location: string;
}

function evaluate(expression: string, context: Context): unknown {
  const trimmed = expression.trim();
  if (trimmed === "path.module") return context.pathModule;
  const match = REFERENCE.exec(trimmed);
  if (!match) {
    throw new UnsupportedExpressionError(
      `${context.location}: the expression \${${trimmed}} is not supported by the local runtime`,
    );
  }
  const [, data, type, name, attribute] = match;
  return context.lookup({ mode: data ? "data" : "resource", type, name }, attribute);
}

/** Resolves one Terraform string. A string that is a single interpolation keeps the referenced value's type. */
export function resolveString(text: string, context: Context): unknown {
  const parts: unknown[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      literal += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i + 2);
      if (end < 0) throw new UnsupportedExpressionError(`${context.location}: unterminated \${ in "${text}"`);
      if (literal) parts.push(literal);
      literal = "";
      parts.push(evaluate(text.slice(i + 2, end), context));
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      throw new UnsupportedExpressionError(
        `${context.location}: template directives (%{) are not supported locally`,
      );
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push(literal);
  if (parts.length === 1 && text.startsWith("${") && !text.startsWith("$${")) return parts[0];
  return parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join("");
}

/** Resolves every string inside a JSON value. */
export function resolveValue(value: unknown, context: Context): unknown {
  if (typeof value === "string") return resolveString(value, context);
  if (Array.isArray(value))
    return value.map((item, index) =>
      resolveValue(item, { ...context, location: `${context.location}[${index}]` }),
    );
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveValue(item, { ...context, location: `${context.location}.${key}` }),
      ]),
    );
  }
  return value;
}

export type { Context as ResolveContext };
