import fc from "fast-check";
import {
  bigDecimalToString,
  JsonNumber,
  javaDoubleToString,
  parseExactJson,
  stringifyExactJson,
} from "../../../emulator/apigateway/exact-json";
import { validateBody } from "../../../emulator/apigateway/request-validation";
import { createTemplateContext, renderMappingTemplate } from "../../../emulator/apigateway/vtl";

/** The value with every JsonNumber as a JavaScript number, as JSON.parse gives it. */
function toPlainJson(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.literal);
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, toPlainJson(member)]));
  }
  return value;
}

const render = (template: string, body: string) =>
  renderMappingTemplate(template, { body, context: createTemplateContext({}) });

describe("numbers as API Gateway's Java (JsonPath over json-smart) reads and prints them", () => {
  it.each([
    // Integers: Integer, Long or BigInteger, always exact.
    ["7", "7"],
    ["-0", "0"],
    ["9007199254740993", "9007199254740993"],
    ["123456789012345678901234567890", "123456789012345678901234567890"],
    // Decimals of more than 18 characters: BigDecimal, printed as sent (plain) or as BigDecimal.toString.
    ["12.90000000000000004", "12.90000000000000004"],
    ["4.1000000000000000000", "4.1000000000000000000"],
    ["-0.00000000000000000000", "0E-20"],
    ["0.0000000000000000001", "1E-19"],
    ["1.2345678901234567890e5", "123456.78901234567890"],
    ["1234567890123456789e3", "1.234567890123456789E+21"],
    // Up to 18 characters: Double, printed by Double.toString.
    ["4.10", "4.1"],
    ["100.0", "100.0"],
    ["1e2", "100.0"],
    ["0.001", "0.001"],
    ["0.0001", "1.0E-4"],
    ["12345678.9", "1.23456789E7"],
    ["1.0000000000000001", "1.0"],
    ["-2.5e-7", "-2.5E-7"],
  ])("%s prints %s", (literal, printed) => {
    expect(new JsonNumber(literal).toString()).toBe(printed);
    expect(render("$input.json('$.n') $input.path('$.n')", `{"n": ${literal}}`)).toBe(
      `${printed} ${printed}`,
    );
  });

  it("prints lists and nested values with the same numbers, and $util.parseJson reads them the same way", () => {
    const body = '{"l": [9007199254740993, 12.90000000000000004, 4.10], "m": {"p": 12.90000000000000004}}';
    expect(render("$input.json('$.l') $input.path('$.l') $input.json('$.m')", body)).toBe(
      '[9007199254740993,12.90000000000000004,4.1] [9007199254740993,12.90000000000000004,4.1] {"p":12.90000000000000004}',
    );
    expect(render("$util.parseJson($input.json('$.m')).p", body)).toBe("12.90000000000000004");
  });

  it("parses exactly what JSON.parse parses, into the same structure", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const parsed = parseExactJson(text);
        expect(toPlainJson(parsed)).toEqual(JSON.parse(text));
        expect(JSON.parse(stringifyExactJson(parsed))).toEqual(JSON.parse(text));
      }),
    );
    for (const bad of ["", "{", '{"a" 1}', "[1,]", "01", "1.", "NaN", '"\\x"']) {
      expect(() => parseExactJson(bad)).toThrow(SyntaxError);
    }
  });

  it("Double.toString and BigDecimal.toString agree with Java on their boundaries", () => {
    expect([1e7, 9999999.999, 1e-3, 9.99e-4, -0, 0].map(javaDoubleToString)).toEqual([
      "1.0E7",
      "9999999.999",
      "0.001",
      "9.99E-4",
      "-0.0",
      "0.0",
    ]);
    expect(["0.000001", "0.0000001", "1E+3", "12e-3"].map(bigDecimalToString)).toEqual([
      "0.000001",
      "1E-7",
      "1E+3",
      "0.012",
    ]);
  });
});

describe("the model judges the exact number, as AWS's validator does", () => {
  const schema = {
    type: "object",
    properties: {
      price: { type: "number", minimum: 0, maximum: 10000, multipleOf: 1e-20 },
      count: { type: "integer", minimum: 1, maximum: 1000, exclusiveMaximum: true },
    },
  };
  it.each([
    ['{"price": 12.90000000000000004}', true],
    ['{"price": 10000}', true],
    ['{"price": 10000.00000000000000000}', true],
    ['{"price": 0.00000000000000000001}', true],
    ['{"price": 10000.0000000000000001}', false],
    ['{"price": -0.00000000000000000001}', false],
    ['{"price": 1.000000000000000000001}', false],
    ['{"count": 999}', true],
    ['{"count": 1000}', false],
  ])("%s: valid %s", (body, valid) => {
    expect(validateBody(schema, body).valid).toBe(valid);
  });

  it("names the rule an exact number breaks", () => {
    expect(validateBody(schema, '{"price": 10000.0000000000000001}')).toEqual({
      valid: false,
      validationErrorString:
        "[numeric instance at /price is greater than the required maximum (maximum: 10000)]",
    });
    expect(validateBody(schema, '{"price": 1.000000000000000000001}')).toEqual({
      valid: false,
      validationErrorString:
        "[numeric instance at /price: remainder of division is not zero (1.000000000000000000001 / 1e-20)]",
    });
  });
});
