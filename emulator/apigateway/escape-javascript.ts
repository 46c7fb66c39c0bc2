/**
 * `$util.escapeJavaScript` as API Gateway behaves: Apache Commons Lang 2.x
 * `StringEscapeUtils.escapeJavaScript`. It escapes `'` as `\'` (not valid JSON, which is why
 * AWS documents `.replaceAll("\\'","'")`), `/` as `\/`, and every UTF-16 unit above 0x7F as
 * `\uXXXX` with uppercase hex.
 */
export function escapeJavaScript(value: string): string {
  let escaped = "";
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code > 0x7f) {
      escaped += `\\u${hex4(code)}`;
    } else if (code < 0x20) {
      escaped += controlCharacterEscapes[code] ?? `\\u${hex4(code)}`;
    } else {
      const char = value[index];
      escaped += char === "'" || char === '"' || char === "\\" || char === "/" ? `\\${char}` : char;
    }
  }
  return escaped;
}

const controlCharacterEscapes: Record<number, string> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
};

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}
