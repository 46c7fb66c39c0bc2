import { escapeJavaScript } from "./escape-javascript";
import { parseExactJson } from "./exact-json";
import { formatTemplateValue } from "./vtl-value-format";

/** The six `$util` functions API Gateway offers to mapping templates. */
export const templateUtil = {
  escapeJavaScript(value: unknown): string | null {
    if (value === null || value === undefined) return null;
    return escapeJavaScript(formatTemplateValue(value));
  },
  parseJson(text: unknown): unknown {
    return parseExactJson(String(text));
  },
  /** java.net.URLEncoder (UTF-8): keeps `a-zA-Z0-9.-*_`, space becomes `+`. */
  urlEncode(value: unknown): string {
    return encodeURIComponent(String(value))
      .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, "+");
  },
  /** java.net.URLDecoder (UTF-8): `+` is a space. */
  urlDecode(value: unknown): string {
    return decodeURIComponent(String(value).replace(/\+/g, " "));
  },
  base64Encode(value: unknown): string {
    return Buffer.from(String(value), "utf8").toString("base64");
  },
  base64Decode(value: unknown): string {
    return Buffer.from(String(value), "base64").toString("utf8");
  },
};
