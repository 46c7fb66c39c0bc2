import { type App, Testing } from "cdktf";
import { AccountSetupStack } from "../../stacks/account-setup-stack";
import { ACCOUNT_SETUP_OUTPUTS, OUTPUTS, QUEUE_URL_OUTPUTS } from "../../stacks/outputs";
import { PROJECTION_PATTERNS } from "../../stacks/projections";
import { defaultConfig, type TerraformJson } from "./synth-helpers";

const outputsOf = (json: TerraformJson) => Object.keys(json.output ?? {});

describe("the output names the tools read are the ones the stacks declare", () => {
  const declared = new Set<string>();
  for (const auth of ["iam", "api_key", "none"]) {
    for (const pattern of PROJECTION_PATTERNS) {
      const stack = pattern.createStack(Testing.app() as App, defaultConfig({ CQRS_API_AUTH: auth }));
      for (const name of outputsOf(JSON.parse(Testing.synth(stack, true)))) declared.add(name);
    }
  }
  const setup = new AccountSetupStack(
    Testing.app() as App,
    defaultConfig({ CQRS_SETUP_API_GATEWAY_ROLE: "true", CQRS_SETUP_STATE_BUCKET: "true" }),
  );
  const setupDeclared = outputsOf(JSON.parse(Testing.synth(setup, true)));

  test("projection stacks: exactly OUTPUTS over every authorization mode", () => {
    expect([...declared].sort()).toEqual(Object.values(OUTPUTS).sort());
  });

  test("account-setup: exactly ACCOUNT_SETUP_OUTPUTS", () => {
    expect([...setupDeclared].sort()).toEqual(Object.values(ACCOUNT_SETUP_OUTPUTS).sort());
  });

  test("the queue URL outputs are every output ending in _url that names a queue", () => {
    expect([...QUEUE_URL_OUTPUTS].sort()).toEqual(
      [...declared].filter((name) => /_(queue|dlq)_url$/.test(name)).sort(),
    );
  });
});
