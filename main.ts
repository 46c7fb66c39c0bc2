import { App } from "cdktf";
import { AccountSetupStack } from "./stacks/account-setup-stack";
import { ConfigError, loadConfig, securityWarnings } from "./stacks/config";
import { DirectProjectionStack } from "./stacks/direct-projection-stack";
import { QueuedProjectionStack } from "./stacks/queued-projection-stack";

function main(): void {
  const config = loadConfig();
  for (const warning of securityWarnings(config)) console.error(`WARNING: ${warning}`);
  const app = new App();
  new AccountSetupStack(app, config);
  new DirectProjectionStack(app, config);
  new QueuedProjectionStack(app, config);
  app.synth();
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
