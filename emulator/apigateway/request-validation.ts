import type { ErrorObject, ValidateFunction } from "ajv";
import type { DataValidationCxt } from "ajv/dist/types";
import AjvDraft04 from "ajv-draft-04";
import Big from "big.js";
import { JsonNumber, parseExactJson } from "./exact-json";
import type { JsonSchemaObject } from "./types";

export type BodyValidation = { valid: true } | { valid: false; validationErrorString: string };

/**
 * The literal of every number of the document being validated, by JSON pointer. Ajv sees numbers as
 * JavaScript doubles; the numeric keywords below judge the literal instead, as AWS's validator judges
 * exact decimals: `10000.0000000000000001` is above a maximum of 10000, `12.90000000000000004` is no
 * multiple of 0.01.
 */
let literals = new Map<string, string>();

function exactly(data: number, context: DataValidationCxt | undefined): Big {
  return new Big(literals.get(context?.instancePath ?? "") ?? String(data));
}

type Comparison = "<=" | "<" | ">=" | ">";

function compare(value: Big, comparison: Comparison, limit: Big): boolean {
  if (comparison === "<=") return value.lte(limit);
  if (comparison === "<") return value.lt(limit);
  if (comparison === ">=") return value.gte(limit);
  return value.gt(limit);
}

function exactLimit(
  keyword: "maximum" | "minimum",
  exclusive: string,
  inclusive: Comparison,
  strict: Comparison,
) {
  const validate = (
    limit: number,
    data: number,
    parentSchema?: Record<string, unknown>,
    context?: DataValidationCxt,
  ): boolean => {
    const comparison = parentSchema?.[exclusive] === true ? strict : inclusive;
    if (compare(exactly(data, context), comparison, new Big(limit))) return true;
    validate.errors = [{ keyword, params: { comparison, limit } }];
    return false;
  };
  validate.errors = [] as Partial<ErrorObject>[];
  return { keyword, type: "number" as const, schemaType: "number" as const, errors: true, validate };
}

function exactMultipleOf() {
  const validate = (
    divisor: number,
    data: number,
    _parent?: unknown,
    context?: DataValidationCxt,
  ): boolean => {
    const value = exactly(data, context);
    if (value.mod(new Big(divisor)).eq(0)) return true;
    validate.errors = [{ keyword: "multipleOf", params: { multipleOf: divisor, value: value.toString() } }];
    return false;
  };
  validate.errors = [] as Partial<ErrorObject>[];
  return {
    keyword: "multipleOf",
    type: "number" as const,
    schemaType: "number" as const,
    errors: true,
    validate,
  };
}

const ajv = new AjvDraft04({ allErrors: true, strict: false });
for (const keyword of ["maximum", "minimum", "multipleOf"]) ajv.removeKeyword(keyword);
ajv.addKeyword(exactLimit("maximum", "exclusiveMaximum", "<=", "<"));
ajv.addKeyword(exactLimit("minimum", "exclusiveMinimum", ">=", ">"));
ajv.addKeyword(exactMultipleOf());
const compiled = new WeakMap<JsonSchemaObject, ValidateFunction>();

/** The document with JavaScript numbers for Ajv, and the literal of each number by JSON pointer. */
function forAjv(value: unknown, pointer: string, found: Map<string, string>): unknown {
  if (value instanceof JsonNumber) {
    found.set(pointer, value.literal);
    return Number(value.literal);
  }
  if (Array.isArray(value)) return value.map((item, index) => forAjv(item, `${pointer}/${index}`, found));
  if (value !== null && typeof value === "object") {
    const pointerKey = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [
        key,
        forAjv(member, `${pointer}/${pointerKey(key)}`, found),
      ]),
    );
  }
  return value;
}

/**
 * Validates a body against an API Gateway model (JSON Schema draft 4). An empty body counts as `{}`,
 * unparsable JSON is invalid. validationErrorString imitates the wording of AWS's validator and is
 * already escaped for use inside a JSON string, as AWS's is.
 */
export function validateBody(schema: JsonSchemaObject, body: string): BodyValidation {
  let document: unknown;
  const found = new Map<string, string>();
  try {
    document = forAjv(parseExactJson(body.trim() === "" ? "{}" : body), "", found);
  } catch (error) {
    return invalid([`Invalid JSON: ${(error as Error).message}`]);
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  // Validation is synchronous: the literals cannot change under it.
  literals = found;
  try {
    if (validate(document)) return { valid: true };
  } finally {
    literals = new Map();
  }
  return invalid((validate.errors ?? []).map(describe));
}

/** Names of required method request parameters that are missing or blank. */
export function missingRequiredParameters(
  required: Record<string, boolean> | undefined,
  present: {
    path: Record<string, string>;
    querystring: Record<string, string>;
    header: Record<string, string>;
  },
): string[] {
  const missing: string[] = [];
  for (const [name, isRequired] of Object.entries(required ?? {})) {
    const match = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(name);
    if (!isRequired || !match) continue;
    const [, location, key] = match;
    const values = present[location as "path" | "querystring" | "header"];
    const found =
      location === "header"
        ? Object.entries(values).find(([header]) => header.toLowerCase() === key.toLowerCase())?.[1]
        : values[key];
    if (found === undefined || found.trim() === "") missing.push(key);
  }
  return missing;
}

function invalid(messages: string[]): BodyValidation {
  return { valid: false, validationErrorString: JSON.stringify(`[${messages.join(", ")}]`).slice(1, -1) };
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath === "" ? "" : ` at ${error.instancePath}`;
  switch (error.keyword) {
    case "required":
      return `object${at} has missing required properties (["${params.missingProperty}"])`;
    case "additionalProperties":
      return `object instance${at} has properties which are not allowed by the schema: ["${params.additionalProperty}"]`;
    case "type":
      return `instance type${at} does not match any allowed primitive type (allowed: ["${params.type}"])`;
    case "minLength":
      return `string${at} is too short (required minimum: ${params.limit})`;
    case "maxLength":
      return `string${at} is too long (maximum allowed: ${params.limit})`;
    case "minimum":
      return `numeric instance${at} is lower than the required minimum (minimum: ${params.limit})`;
    case "maximum":
      return `numeric instance${at} is greater than the required maximum (maximum: ${params.limit})`;
    case "multipleOf":
      return `numeric instance${at}: remainder of division is not zero (${params.value} / ${params.multipleOf})`;
    case "pattern":
      return `ECMA 262 regex "${params.pattern}" does not match input string${at}`;
    default:
      return `instance${at} ${error.message ?? "is invalid"}`;
  }
}
