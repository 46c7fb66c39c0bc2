import {
  listSynthesizedStacks,
  readSynthesizedStack,
  type TerraformDocument,
} from "../../../emulator/terraform/terraform-document";
import { stackOrder } from "../plan";

/** What a rehearsal needs to know of one synthesized stack. */
export interface RehearsedStack {
  name: string;
  /** Folder holding the stack's cdk.tf.json. */
  dir: string;
  s3Backend?: { bucket: string; key: string; use_lockfile?: boolean };
  /** Addresses of the managed resources (`aws_sqs_queue.name`). */
  resources: string[];
  /** `required_providers`: local name -> source and pinned version. */
  requiredProviders: Record<string, { source: string; version?: string }>;
}

/**
 * The stacks of a cdktf.out folder in the order they are deployed, the one `npm run plan` plans them in:
 * account-setup first (it makes what the others need: the state bucket, the API Gateway role).
 */
export function rehearsedStacks(outdir: string): RehearsedStack[] {
  return stackOrder(listSynthesizedStacks(outdir)).map((name) => {
    const { dir, document } = readSynthesizedStack(outdir, name);
    return { name, dir, ...facts(document) };
  });
}

function facts(document: TerraformDocument): Omit<RehearsedStack, "name" | "dir"> {
  const terraform = document.terraform as
    | {
        backend?: { s3?: RehearsedStack["s3Backend"] };
        required_providers?: RehearsedStack["requiredProviders"];
      }
    | undefined;
  const resources = Object.entries(document.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((resourceName) => `${type}.${resourceName}`),
  );
  return {
    s3Backend: terraform?.backend?.s3,
    resources,
    requiredProviders: terraform?.required_providers ?? {},
  };
}
