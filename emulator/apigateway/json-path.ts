/**
 * The JSONPath subset mapping templates use: `$`, `$.a.b`, `$['a']`, `$["a"]`, `$.list[0]`.
 * Returns undefined when the path does not resolve.
 */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  let current = document;
  for (const key of parseJsonPath(path)) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (typeof key !== "number") return undefined;
      current = current[key < 0 ? current.length + key : key];
    } else {
      if (!Object.hasOwn(current, String(key))) return undefined;
      current = (current as Record<string, unknown>)[String(key)];
    }
  }
  return current;
}

export function parseJsonPath(path: string): (string | number)[] {
  const text = path.trim();
  if (!text.startsWith("$")) throw new Error(`Unsupported JSONPath (must start with $): ${path}`);
  const keys: (string | number)[] = [];
  let index = 1;
  while (index < text.length) {
    if (text[index] === ".") {
      const match = /^[^.[\]]+/.exec(text.slice(index + 1));
      if (!match) throw new Error(`Unsupported JSONPath: ${path}`);
      keys.push(match[0]);
      index += 1 + match[0].length;
    } else if (text[index] === "[") {
      const match = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+))\s*\]/.exec(text.slice(index));
      if (!match) throw new Error(`Unsupported JSONPath: ${path}`);
      if (match[3] !== undefined) keys.push(Number(match[3]));
      else keys.push((match[1] ?? match[2]).replace(/\\(.)/g, "$1"));
      index += match[0].length;
    } else {
      throw new Error(`Unsupported JSONPath: ${path}`);
    }
  }
  return keys;
}
