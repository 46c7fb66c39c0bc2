import { Compile, parse } from "velocityjs";
import { parseExactJson, stringifyExactJson } from "./exact-json";
import { javaMethodHandlers } from "./java-methods";
import { evaluateJsonPath } from "./json-path";
import { templateUtil } from "./vtl-util";
import { formatTemplateValue } from "./vtl-value-format";

/**
 * The one mapping-template engine of this project (template tests and the local API Gateway use it):
 * velocityjs in silent mode (null prints ""), with Java String/List/Map methods, AWS-style printing of
 * maps and lists, and API Gateway's $input, $util, $context and $stageVariables. JSON numbers keep their
 * literal and print as API Gateway's Java prints them (exact-json.ts).
 */

export interface RequestParameters {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

export interface ContextOverrides {
  requestOverride: {
    header: Record<string, unknown>;
    path: Record<string, unknown>;
    querystring: Record<string, unknown>;
  };
  responseOverride: { header: Record<string, unknown>; status?: unknown };
}

/** `$context`; templates may add keys through `#set`, so it stays an open record. */
export type TemplateContext = ContextOverrides & Record<string, unknown>;

export interface MappingTemplateVariables {
  /** Raw payload: the method request body (request templates) or the integration response body. */
  body: string;
  params?: Partial<RequestParameters>;
  context: TemplateContext;
  stageVariables?: Record<string, string>;
}

/** Raised when `$input.path` / `$input.json` meet a payload that is not JSON. */
export class TemplateInputNotJsonError extends Error {
  override name = "TemplateInputNotJsonError";
}

/** Renders a template. `variables.context` is mutated by `#set($context...)` (overrides). */
export function renderMappingTemplate(template: string, variables: MappingTemplateVariables): string {
  const compiler = new ApiGatewayCompile(parse(template), {
    escape: false,
    customMethodHandlers: javaMethodHandlers,
  });
  return compiler.render(
    {
      input: createInputVariable(variables.body, variables.params ?? {}),
      context: variables.context,
      stageVariables: { ...(variables.stageVariables ?? {}) },
      util: { ...templateUtil },
    },
    undefined,
    true,
  );
}

/** `$context` with the override maps pre-created, so `#set($context.responseOverride.status = 404)` works. */
export function createTemplateContext(values: Record<string, unknown> = {}): TemplateContext {
  return {
    ...values,
    requestOverride: { header: {}, path: {}, querystring: {} },
    responseOverride: { header: {} },
  };
}

/** Reads `$context.responseOverride.status` the way API Gateway accepts it: an integer 100-599. */
export function overriddenStatus(context: TemplateContext): number | undefined {
  const status = Number(formatTemplateValue(context.responseOverride.status));
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

class ApiGatewayCompile extends Compile {
  // Only printed references (isVal) are formatted; values used in expressions stay native.
  override getReferences(ast: Parameters<Compile["getReferences"]>[0], isVal?: boolean): string {
    const value = super.getReferences(ast, isVal);
    return isVal ? formatTemplateValue(value) : value;
  }
}

function createInputVariable(body: string, params: Partial<RequestParameters>) {
  const raw = body === "" ? "{}" : body;
  let document: { parsed: boolean; value?: unknown } = { parsed: false };
  const parsedBody = () => {
    if (!document.parsed) {
      try {
        document = { parsed: true, value: parseExactJson(raw) };
      } catch (error) {
        throw new TemplateInputNotJsonError((error as Error).message);
      }
    }
    return document.value;
  };
  const allParams: RequestParameters = {
    path: { ...params.path },
    querystring: { ...params.querystring },
    header: { ...params.header },
  };
  return {
    body: raw,
    json(path: string): string {
      const value = evaluateJsonPath(parsedBody(), String(path));
      return value === undefined ? "" : stringifyExactJson(value);
    },
    path(path: string): unknown {
      return evaluateJsonPath(parsedBody(), String(path));
    },
    params(name?: string): unknown {
      if (name === undefined) return allParams;
      const key = String(name);
      if (Object.hasOwn(allParams.path, key)) return allParams.path[key];
      if (Object.hasOwn(allParams.querystring, key)) return allParams.querystring[key];
      const headerName = Object.keys(allParams.header).find(
        (header) => header.toLowerCase() === key.toLowerCase(),
      );
      return headerName === undefined ? "" : allParams.header[headerName];
    },
  };
}
