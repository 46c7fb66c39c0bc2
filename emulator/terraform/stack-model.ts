import { type Address, resolveValue, UnsupportedExpressionError } from "./references";
import type { Attributes, SynthesizedStack } from "./terraform-document";

const NOT_CONFIGURATION = new Set(["//", "depends_on", "lifecycle", "provider"]);

/** Local account id, as DynamoDB Local and the SQS emulator use it. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** The partition of a region, as `data.aws_partition` reads it from the provider's region. */
export function partitionOf(region: string): { partition: string; dns_suffix: string } {
  if (region.startsWith("cn-")) return { partition: "aws-cn", dns_suffix: "amazonaws.com.cn" };
  if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dns_suffix: "amazonaws.com" };
  return { partition: "aws", dns_suffix: "amazonaws.com" };
}

/** Data sources whose values the local runtime knows without AWS (everything else is refused by name). */
export const LOCAL_DATA_SOURCES = ["aws_partition"] as const;

/**
 * One synthesized stack and the attributes its local resources got once created (ARNs, URLs, stream ARNs).
 * Resolves Terraform references against both, like Terraform would after apply.
 */
export class StackModel {
  private readonly computed = new Map<string, Attributes>();

  constructor(
    readonly stack: SynthesizedStack,
    readonly region: string,
  ) {
    for (const name of Object.keys(stack.document.data?.aws_partition ?? {})) {
      this.setComputed("aws_partition", name, partitionOf(region), "data");
    }
  }

  get name(): string {
    return this.stack.name;
  }

  /** [logical id, attributes] of every resource of a type. */
  resources(type: string): [string, Attributes][] {
    return Object.entries(this.stack.document.resource?.[type] ?? {});
  }

  /** Records attributes known only after the local resource exists. */
  setComputed(type: string, name: string, attributes: Attributes, mode: Address["mode"] = "resource"): void {
    const key = `${mode}.${type}.${name}`;
    this.computed.set(key, { ...this.computed.get(key), ...attributes });
  }

  /** The configuration of a resource with every reference resolved. */
  resolved(type: string, name: string, mode: Address["mode"] = "resource"): Attributes {
    const config = this.configOf({ mode, type, name });
    const entries = Object.entries(config).filter(([key]) => !NOT_CONFIGURATION.has(key));
    return Object.fromEntries(
      entries.map(([key, value]) => [key, this.resolve(value, `${type}.${name}.${key}`)]),
    );
  }

  /** One attribute of a resource, resolved. */
  attribute(type: string, name: string, attribute: string): unknown {
    return this.lookup({ mode: "resource", type, name }, attribute);
  }

  resolve(value: unknown, location: string): unknown {
    return resolveValue(value, { lookup: this.lookup, pathModule: this.stack.dir, location });
  }

  readonly lookup = (address: Address, attribute: string): unknown => {
    const key = `${address.mode}.${address.type}.${address.name}`;
    const computed = this.computed.get(key);
    if (computed && attribute in computed) return computed[attribute];
    const config = this.configOf(address);
    if (attribute in config)
      return this.resolve(config[attribute], `${address.type}.${address.name}.${attribute}`);
    if (attribute === "id") return address.name;
    if (attribute === "arn")
      return `arn:aws:local:${this.region}:${LOCAL_ACCOUNT_ID}:${address.type}/${address.name}`;
    throw new UnsupportedExpressionError(
      `${address.type}.${address.name}.${attribute} has no local value (referenced in stack ${this.name})`,
    );
  };

  private configOf(address: Address): Attributes {
    const section = address.mode === "data" ? this.stack.document.data : this.stack.document.resource;
    const config = section?.[address.type]?.[address.name];
    if (!config) {
      throw new UnsupportedExpressionError(
        `stack ${this.name} has no ${address.mode} ${address.type}.${address.name}`,
      );
    }
    return config;
  }
}
