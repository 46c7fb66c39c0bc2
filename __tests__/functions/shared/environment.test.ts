import { requireEnvironmentVariable } from "../../../functions/shared/environment";
import { MissingEnvironmentVariableError } from "../../../functions/shared/errors";

describe("requireEnvironmentVariable", () => {
  it("returns the value", () => {
    expect(requireEnvironmentVariable("SUMMARY_TABLE_NAME", { SUMMARY_TABLE_NAME: "summary" })).toBe(
      "summary",
    );
  });

  it.each([{}, { SUMMARY_TABLE_NAME: "" }])(
    "names the variable when it is missing or empty (%j)",
    (environment) => {
      expect(() => requireEnvironmentVariable("SUMMARY_TABLE_NAME", environment)).toThrow(
        new MissingEnvironmentVariableError("SUMMARY_TABLE_NAME"),
      );
      expect(() => requireEnvironmentVariable("SUMMARY_TABLE_NAME", environment)).toThrow(
        /SUMMARY_TABLE_NAME/,
      );
    },
  );
});
