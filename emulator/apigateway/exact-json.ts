/**
 * JSON as API Gateway's mapping templates read it: JsonPath over json-smart, in Java. Numbers are never
 * JavaScript doubles here; each keeps its literal and prints as the Java object json-smart makes of it:
 *
 * - an integer literal (no `.`, `e`, `E`) becomes an Integer, Long or BigInteger: always exact, printed as its
 *   digits (`-0` prints `0`);
 * - any other literal longer than 18 characters becomes a BigDecimal: exact, printed by
 *   `BigDecimal.toString()` (as sent for plain decimals: `12.90000000000000004` stays so, trailing zeros too);
 * - a shorter one becomes a Double: printed by `Double.toString()` (`4.10` -> `4.1`, `100` -> `100.0`,
 *   `0.0001` -> `1.0E-4`), which is exact for up to 15 significant digits and rounds beyond.
 *
 * That is json-smart's parser with high-precision floats, the mode JsonPath uses (json-smart's
 * JSONParserBase.extractFloat: BigDecimal above 18 characters, Double otherwise). The digits of a Double are
 * the shortest that identify it, as JavaScript and Java 19+ print them.
 */

/** A JSON number and its literal, exactly as it appeared in the text. */
export class JsonNumber {
  constructor(readonly literal: string) {}

  /** What Java prints for the Number json-smart makes of the literal. */
  toString(): string {
    if (isIntegerLiteral(this.literal)) return BigInt(this.literal).toString();
    if (this.literal.length > 18) return bigDecimalToString(this.literal);
    return javaDoubleToString(Number(this.literal));
  }

  /** For arithmetic and comparisons in templates, which are JavaScript's here. */
  valueOf(): number {
    return Number(this.literal);
  }
}

function isIntegerLiteral(literal: string): boolean {
  return /^-?\d+$/.test(literal);
}

/** Java's `BigDecimal.toString()` of `new BigDecimal(literal)`. */
export function bigDecimalToString(literal: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) throw new Error(`not a JSON number: ${literal}`);
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  const unscaled = BigInt(whole + fraction).toString();
  const scale = fraction.length - Number(exponent);
  const adjusted = -scale + (unscaled.length - 1);
  const negative = sign === "-" && unscaled !== "0" ? "-" : "";
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return negative + unscaled;
    const digits = unscaled.padStart(scale + 1, "0");
    return `${negative}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  const mantissa = unscaled.length > 1 ? `${unscaled[0]}.${unscaled.slice(1)}` : unscaled;
  return `${negative}${mantissa}E${adjusted >= 0 ? "+" : ""}${adjusted}`;
}

/** Java's `Double.toString(double)`: plain from 10^-3 to 10^7, `d.dddE<n>` outside. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Thrown for text that is not JSON; the message names the position, like JSON.parse's. */
export class ExactJsonSyntaxError extends SyntaxError {
  override name = "SyntaxError";
}

/**
 * Parses JSON (RFC 8259, as JSON.parse accepts it) with every number as a JsonNumber. Strings, objects,
 * arrays, booleans and null are JavaScript's.
 */
export function parseExactJson(text: string): unknown {
  // JSON.parse judges the syntax, with its own messages; the walk below then only reads valid JSON.
  JSON.parse(text);
  let index = 0;
  const skipWhitespace = () => {
    while (index < text.length && " \t\n\r".includes(text[index])) index += 1;
  };
  const value = (): unknown => {
    skipWhitespace();
    const char = text[index];
    if (char === "{") {
      index += 1;
      const object: Record<string, unknown> = {};
      skipWhitespace();
      if (text[index] === "}") {
        index += 1;
        return object;
      }
      for (;;) {
        skipWhitespace();
        const key = string();
        skipWhitespace();
        index += 1; // ':'
        const member = value();
        // Like JSON.parse: the last duplicate wins, and "__proto__" is an ordinary key.
        Object.defineProperty(object, key, {
          value: member,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipWhitespace();
        if (text[index++] === "}") return object;
      }
    }
    if (char === "[") {
      index += 1;
      const array: unknown[] = [];
      skipWhitespace();
      if (text[index] === "]") {
        index += 1;
        return array;
      }
      for (;;) {
        array.push(value());
        skipWhitespace();
        if (text[index++] === "]") return array;
      }
    }
    if (char === '"') return string();
    if (text.startsWith("true", index)) {
      index += 4;
      return true;
    }
    if (text.startsWith("false", index)) {
      index += 5;
      return false;
    }
    if (text.startsWith("null", index)) {
      index += 4;
      return null;
    }
    const match = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = index;
    const literal = match.exec(text)?.[0];
    if (literal === undefined) throw new ExactJsonSyntaxError(`Unexpected token at position ${index}`);
    index += literal.length;
    return new JsonNumber(literal);
  };
  const string = (): string => {
    const match = /"(?:[^"\\]|\\.)*"/y;
    match.lastIndex = index;
    const literal = match.exec(text)?.[0];
    if (literal === undefined) throw new ExactJsonSyntaxError(`Expected a string at position ${index}`);
    index += literal.length;
    return JSON.parse(literal) as string;
  };
  return value();
}

/** JSON text of a value from parseExactJson: numbers print as Java prints them, everything else as JSON.stringify. */
export function stringifyExactJson(value: unknown): string {
  if (value instanceof JsonNumber) return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => stringifyExactJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).filter(
      ([, member]) => member !== undefined && typeof member !== "function",
    );
    return `{${members.map(([key, member]) => `${JSON.stringify(key)}:${stringifyExactJson(member)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
