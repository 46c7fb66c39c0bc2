/**
 * java.lang.String's regex methods (replaceAll, replaceFirst, matches, split) on top of JS RegExp.
 * Java and JS regex syntax agree for the patterns mapping templates use; leading embedded flags
 * `(?i)`, `(?s)`, `(?m)`, `\Q...\E` quoting and `$` are translated, other Java-only syntax
 * (possessive quantifiers, `\p{Alpha}` classes) is not. Java's `$` (without MULTILINE) also matches
 * before one final line terminator: `"a$"` finds a match in `"a\n"` (checked with OpenJDK 17).
 */
export function javaReplaceAll(subject: string, regex: string, replacement: string): string {
  return subject.replace(toJsRegExp(regex, "g"), javaReplacer(replacement));
}

export function javaReplaceFirst(subject: string, regex: string, replacement: string): string {
  return subject.replace(toJsRegExp(regex, ""), javaReplacer(replacement));
}

/** Matcher.find(): whether the pattern matches anywhere in the subject (how JSON Schema applies `pattern`). */
export function javaFind(subject: string, regex: string): boolean {
  return toJsRegExp(regex, "").test(subject);
}

export function javaMatches(subject: string, regex: string): boolean {
  const { source, flags } = translatePattern(regex);
  return new RegExp(`^(?:${source})$`, flags).test(subject);
}

/** String.split(regex): trailing empty strings are removed, a leading empty match is not produced. */
export function javaSplit(subject: string, regex: string): string[] {
  if (subject === "") return [""];
  const parts: string[] = [];
  const pattern = toJsRegExp(regex, "g");
  let start = 0;
  for (const match of subject.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (match[0] === "" && index === 0) continue;
    if (match[0] === "" && index >= subject.length) break;
    parts.push(subject.slice(start, index));
    start = index + match[0].length;
  }
  parts.push(subject.slice(start));
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

function toJsRegExp(regex: string, extraFlags: string): RegExp {
  const { source, flags } = translatePattern(regex);
  return new RegExp(source, flags + extraFlags);
}

function translatePattern(regex: string): { source: string; flags: string } {
  let source = regex;
  let flags = "";
  const embedded = /^\(\?([ism]+)\)/.exec(source);
  if (embedded) {
    flags = [...new Set(embedded[1])].join("");
    source = source.slice(embedded[0].length);
  }
  source = source.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_quoted, literal: string) =>
    literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
  );
  return { source: flags.includes("m") ? source : translateDollar(source), flags };
}

/** Java's `$` outside MULTILINE: the end of input, or before a line terminator that ends it. */
const JAVA_END_OF_INPUT = "(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$)";

function translateDollar(source: string): string {
  let out = "";
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === "\\") {
      out += char + (source[index + 1] ?? "");
      index++;
    } else if (inClass) {
      if (char === "]") inClass = false;
      out += char;
    } else if (char === "[") {
      inClass = true;
      out += char;
    } else {
      out += char === "$" ? JAVA_END_OF_INPUT : char;
    }
  }
  return out;
}

/** Java's Matcher.appendReplacement rules: `\x` is a literal x, `$n` / `${name}` are groups. */
function javaReplacer(replacement: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    const groupsArg = rest[rest.length - 1];
    const namedGroups =
      typeof groupsArg === "object" && groupsArg !== null ? (groupsArg as Record<string, string>) : {};
    const positional = rest.slice(0, typeof groupsArg === "object" ? -3 : -2) as (string | undefined)[];
    let out = "";
    for (let index = 0; index < replacement.length; index++) {
      const char = replacement[index];
      if (char === "\\") {
        index++;
        if (index >= replacement.length) throw new Error("character to be escaped is missing");
        out += replacement[index];
      } else if (char === "$") {
        index++;
        if (replacement[index] === "{") {
          const end = replacement.indexOf("}", index);
          if (end < 0) throw new Error("named capturing group is missing trailing '}'");
          const name = replacement.slice(index + 1, end);
          if (!(name in namedGroups)) throw new Error(`No group with name {${name}}`);
          out += namedGroups[name] ?? "";
          index = end;
        } else {
          const digits = /^\d+/.exec(replacement.slice(index));
          if (!digits) throw new Error("Illegal group reference");
          let group = digits[0];
          while (group.length > 1 && Number(group) > positional.length) group = group.slice(0, -1);
          const number = Number(group);
          if (number > positional.length) throw new Error(`No group ${number}`);
          out += number === 0 ? match : (positional[number - 1] ?? "");
          index += group.length - 1;
        }
      } else {
        out += char;
      }
    }
    return out;
  };
}
