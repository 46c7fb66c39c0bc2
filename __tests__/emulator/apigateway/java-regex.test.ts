import { javaFind, javaMatches, javaReplaceAll } from "../../../emulator/apigateway/java-regex";

/** Expected values are what java.util.regex gives (checked with OpenJDK 17). */
describe("Java's $ outside MULTILINE", () => {
  it.each([
    ["a\n", "a$", true],
    ["a\r\n", "a$", true],
    ["a\u2028", "a$", true],
    ["a\n\n", "a$", false],
    ["a\nb", "a$", false],
    ["a\n", "a$(?![\\s\\S])", false],
    ["a", "a$(?![\\s\\S])", true],
    ["a$", "a[$]", true],
    ["a$", "a\\$", true],
  ])("find() in %j with %s is %s", (subject, regex, found) => {
    expect(javaFind(subject, regex)).toBe(found);
  });

  it("stays an end anchor in matches() and replaceAll()", () => {
    expect(javaMatches("ab", "ab$")).toBe(true);
    expect(javaReplaceAll("a\n", "$", "x")).toBe("ax\nx");
  });

  it("means end of line under (?m)", () => {
    expect(javaFind("a\nb", "(?m)a$")).toBe(true);
  });
});
