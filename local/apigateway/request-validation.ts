import type { ErrorObject, ValidateFunction } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import type { JsonSchemaObject } from "./types";

export type BodyValidation = { valid: true } | { valid: false; validationErrorString: string };

const ajv = new AjvDraft04({ allErrors: true, strict: false });
const compiled = new WeakMap<JsonSchemaObject, ValidateFunction>();

/**
 * Validates a body against an API Gateway model (JSON Schema draft 4). An empty body counts as `{}`,
 * unparsable JSON is invalid. validationErrorString imitates the wording of AWS's validator and is
 * already escaped for use inside a JSON string, as AWS's is.
 */
export function validateBody(schema: JsonSchemaObject, body: string): BodyValidation {
  let document: unknown;
  try {
    document = JSON.parse(body.trim() === "" ? "{}" : body);
  } catch (error) {
    return invalid([`Invalid JSON: ${(error as Error).message}`]);
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(document)) return { valid: true };
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
    case "pattern":
      return `ECMA 262 regex "${params.pattern}" does not match input string${at}`;
    default:
      return `instance${at} ${error.message ?? "is invalid"}`;
  }
}
