import type { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import {
  DefaultTokenResolver,
  Fn,
  type IAspect,
  StringConcat,
  type TerraformResource,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";
import { digest } from "./templates";

/** The complete synthesized configuration of a resource, references left as `${...}` expressions. */
function configurationOf(resource: TerraformResource): unknown {
  const resolved = Tokenization.resolve(resource.toTerraform(), {
    scope: resource,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
  const { "//": _metadata, ...attributes } =
    resolved.resource[resource.terraformResourceType][resource.friendlyUniqueId];
  return [resource.terraformResourceType, resource.friendlyUniqueId, attributes];
}

/**
 * Sets the deployment's `redeployment` trigger at synthesis, once every override is in place: a digest
 * of the complete configuration of every resource that shapes the API, so that no attribute can change
 * without a new deployment, joined with their ids, so that a resource replaced with identical settings
 * redeploys too.
 */
export function redeployOnChange(
  deployment: ApiGatewayDeployment,
  shapers: readonly TerraformResource[],
): IAspect {
  return {
    visit(node: IConstruct): void {
      if (node !== deployment) return;
      const configuration = digest(shapers.map(configurationOf));
      const ids = shapers.map((resource) => resource.getStringAttribute("id"));
      deployment.triggers = { redeployment: Fn.sha1(Fn.jsonencode([configuration, ...ids])) };
    },
  };
}
