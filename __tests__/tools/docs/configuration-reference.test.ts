import { readFileSync } from "node:fs";
import {
  CONFIGURATION_PAGE,
  REGENERATE_COMMAND,
  renderConfigurationReference,
} from "../../../tools/docs/configuration-reference";

describe("docs/configuration.md", () => {
  it("is what the setting declarations generate", () => {
    const committed = readFileSync(CONFIGURATION_PAGE, "utf8");
    if (committed !== renderConfigurationReference()) {
      throw new Error(`docs/configuration.md is stale: run \`${REGENERATE_COMMAND}\` and commit the result`);
    }
  });

  it("gives each setting's default and what it accepts", () => {
    const page = renderConfigurationReference();
    expect(page).toMatch(/^\| `CQRS_FUNCTION_TIMEOUT_SECONDS` +\| `30` +\| an integer from 1 to 900 +\|/m);
    expect(page).toMatch(/^\| `CQRS_API_AUTH` +\| `iam` +\| `iam`, `api_key`, `none` +\|/m);
    expect(page).toMatch(/^\| `CQRS_STATE_REGION` +\| `AWS_REGION`'s value +\|/m);
  });

  it("renders the same text every time", () => {
    expect(renderConfigurationReference()).toBe(renderConfigurationReference());
  });
});
