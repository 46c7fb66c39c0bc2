import { escapeJavaScript } from "../../../emulator/apigateway/escape-javascript";
import {
  createTemplateContext,
  overriddenStatus,
  renderMappingTemplate,
} from "../../../emulator/apigateway/vtl";

const render = (
  template: string,
  body = "",
  params = {},
  context = createTemplateContext({ requestId: "r-1" }),
) => renderMappingTemplate(template, { body, params, context, stageVariables: { table: "t1" } });

describe("escapeJavaScript (Commons Lang 2.x)", () => {
  it("escapes quotes, backslash, slash, controls and non-ASCII with uppercase hex", () => {
    expect(escapeJavaScript(`it's "x" \\ / \b\t\n\f\r\u0001\u001f\u007f é😀`)).toBe(
      `it\\'s \\"x\\" \\\\ \\/ \\b\\t\\n\\f\\r\\u0001\\u001F\u007f \\u00E9\\uD83D\\uDE00`,
    );
  });
});

describe("renderMappingTemplate", () => {
  it("reproduces the AWS \\' pitfall and its documented replaceAll fix", () => {
    const body = JSON.stringify({ s: "it's" });
    expect(render("$util.escapeJavaScript($input.path('$.s'))", body)).toBe("it\\'s");
    expect(render(`$util.escapeJavaScript($input.path('$.s')).replaceAll("\\\\'","'")`, body)).toBe("it's");
  });

  it("gives Java String semantics to replaceAll (regex, $n groups), replace (literal, all) and friends", () => {
    const template =
      '#set($s = "a.b.c")$s.replaceAll("[.]", "/") $s.replace(".", "-") $s.replaceFirst("\\.", "!") ' +
      '$s.replaceAll("(a)", "<$1>") $s.length() $s.contains("b.") $s.equals("a.b.c") $s.isEmpty() $s.matches("a.*")';
    expect(render(template)).toBe("a/b/c a-b-c a!b.c <a>.b.c 5 true true false true");
  });

  it("prints null and missing values as empty text (silent mode)", () => {
    expect(
      render(
        "[$input.path('$.missing')][$input.path('$.n')][$nothing][$input.json('$.missing')]",
        '{"n":null}',
      ),
    ).toBe("[][][][]");
  });

  it("prints maps Java-style and lists as JSON", () => {
    const body = JSON.stringify({ m: { a: 1, b: [{ c: 5 }] }, l: [1, "x"] });
    expect(render("$input.path('$.m') $input.path('$.l') $input.json('$.m')", body)).toBe(
      '{a=1, b=[{"c":5}]} [1,"x"] {"a":1,"b":[{"c":5}]}',
    );
  });

  it("offers $input.body as the raw string, {} when empty", () => {
    expect(render("$input.body", ' {"a": 1} ')).toBe(' {"a": 1} ');
    expect(render("$input.body", "")).toBe("{}");
  });

  it("supports $input.json quoting strings, JSONPath brackets and indexes", () => {
    const body = JSON.stringify({ "a b": { list: ["x", { y: 'q"' }] } });
    expect(render("$input.json('$[\\'a b\\'].list[1].y') $input.path('$[\"a b\"].list[0]')", body)).toBe(
      '"q\\"" x',
    );
  });

  it("looks parameters up in path, then query string, then header", () => {
    const params = { path: { id: "p" }, querystring: { id: "q", q: "q2" }, header: { "X-Id": "h" } };
    expect(
      render(
        "$input.params('id') $input.params('q') $input.params('x-id') [$input.params('none')]",
        "",
        params,
      ),
    ).toBe("p q2 h []");
    expect(
      render("#foreach($k in $input.params().keySet())$k#if($foreach.hasNext()),#end#end", "", params),
    ).toBe("path,querystring,header");
  });

  it("implements $util url, base64 and parseJson like Java", () => {
    expect(render(`$util.urlEncode("a b&c=d/é*~'")`)).toBe("a+b%26c%3Dd%2F%C3%A9*%7E%27");
    expect(render(`$util.urlDecode("a+b%26%C3%A9")`)).toBe("a b&é");
    expect(render(`$util.base64Encode("é") $util.base64Decode("w6k=")`)).toBe("w6k= é");
    expect(
      render(`#set($o = $util.parseJson('{"k":{"arr":[1,{"z":2}]}}'))$o.k.arr[1].z $o.k.arr.size()`),
    ).toBe("2 2");
  });

  it("exposes $context and $stageVariables and records the response override", () => {
    const context = createTemplateContext({ requestId: "r-9", stage: "prod" });
    expect(
      render(
        "#set($context.responseOverride.status = 404)$context.requestId $context.stage $stageVariables.table",
        "",
        {},
        context,
      ),
    ).toBe("r-9 prod t1");
    expect(overriddenStatus(context)).toBe(404);
    expect(overriddenStatus(createTemplateContext())).toBeUndefined();
  });
});
