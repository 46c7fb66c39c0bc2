import type { RestApiDefinition, RestApiMethod, RestApiResource } from "./types";

export interface MatchedRoute {
  resource: RestApiResource;
  pathParameters: Record<string, string>;
}

/**
 * Finds the resource for a request path below the stage (e.g. "/order"). Literal segments win over
 * `{param}`, which wins over a greedy `{param+}`. Path parameters are URL-decoded, as on AWS.
 */
export function matchResource(api: RestApiDefinition, requestPath: string): MatchedRoute | undefined {
  const segments = splitPath(requestPath);
  let best: { route: MatchedRoute; rank: number[] } | undefined;
  for (const resource of api.resources) {
    const matched = matchSegments(splitPath(resource.path), segments);
    if (!matched) continue;
    if (!best || compareRank(matched.rank, best.rank) > 0) {
      best = { route: { resource, pathParameters: matched.parameters }, rank: matched.rank };
    }
  }
  return best?.route;
}

export function findMethod(resource: RestApiResource, httpMethod: string): RestApiMethod | undefined {
  const method = httpMethod.toUpperCase();
  return (
    resource.methods.find((candidate) => candidate.httpMethod === method) ??
    resource.methods.find((candidate) => candidate.httpMethod === "ANY")
  );
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matchSegments(
  pattern: string[],
  segments: string[],
): { parameters: Record<string, string>; rank: number[] } | undefined {
  const parameters: Record<string, string> = {};
  const rank: number[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const part = pattern[index];
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (index >= segments.length) return undefined;
      parameters[greedy[1]] = segments.slice(index).map(safeDecode).join("/");
      rank.push(0);
      return { parameters, rank };
    }
    if (index >= segments.length) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter) {
      parameters[parameter[1]] = safeDecode(segments[index]);
      rank.push(1);
    } else if (part === safeDecode(segments[index])) {
      rank.push(2);
    } else {
      return undefined;
    }
  }
  return pattern.length === segments.length ? { parameters, rank } : undefined;
}

function compareRank(left: number[], right: number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? -1) - (right[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
