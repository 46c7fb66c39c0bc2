import { App } from "cdktf";
import { ConfigError, loadConfig, securityWarnings } from "./stacks/config";
import { addStacks } from "./stacks/projections";

function main(): void {
  const config = loadConfig();
  for (const warning of securityWarnings(config)) console.error(`WARNING: ${warning}`);
  const app = new App();
  addStacks(app, config);
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
