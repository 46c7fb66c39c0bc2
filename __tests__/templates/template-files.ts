import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createTemplateContext,
  type RequestParameters,
  renderMappingTemplate,
} from "../../emulator/apigateway/vtl";

export function readTemplate(name: string): string {
  return readFileSync(join(__dirname, "..", "..", "templates", name), "utf8");
}

export const stageVariables = { detailsTableName: "details-table", summaryTableName: "summary-table" };

export function render(
  name: string,
  body: string,
  params: Partial<RequestParameters> = {},
  context = createTemplateContext({ requestId: "req-123" }),
) {
  const output = renderMappingTemplate(readTemplate(name), { body, params, context, stageVariables });
  return { output, context };
}

/** Strings a client could send to break out of a JSON string or a template. */
export const hostileStrings = [
  'quote " inside',
  "it's",
  "back\\slash",
  "trailing backslash \\",
  "\\'",
  "line\nbreak\r\n",
  "tab\there",
  '"}',
  '","x":{"S":"y',
  '"}, "TableName": "other", "x": {"S": "',
  "emoji 😀☕",
  "accents éàüñ Ωmega",
  "</script><script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the point of this input
  "$dollar ${notInterpolated} $input.body $util.escapeJavaScript('x')",
  "#set($x = 1) ## not a comment #if",
  "control \u0000\u0001\u001f\u007f\u2028",
  "/slashes//",
];
