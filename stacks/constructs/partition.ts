import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Construct } from "constructs";

/**
 * The partition of the provider's region (`aws`, `aws-cn`, `aws-us-gov`, ...), for building ARNs that
 * work in every partition. Read from the provider's configuration: no AWS API call.
 */
export function currentPartition(scope: Construct): string {
  return new DataAwsPartition(scope, "partition").partition;
}
