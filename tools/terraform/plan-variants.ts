/**
 * Plans every variant `npm run test:terraform` checks (tools/terraform/variants.ts), each into
 * plans/variants/<name>/; the stock settings twice, synthesized under each umask of UMASKS.
 */
import { PlanError, plan } from "./plan";
import { UMASKS, VARIANTS } from "./variants";

const started = Date.now();
try {
  for (const umask of UMASKS) plan({ variant: "default", umask });
  for (const variant of Object.keys(VARIANTS).filter((name) => name !== "default")) plan({ variant });
} catch (error) {
  if (!(error instanceof PlanError)) throw error;
  console.error(`plan: ${error.message}`);
  process.exit(1);
}
console.log(`plan-variants: all variants planned in ${((Date.now() - started) / 1000).toFixed(0)} s`);
