import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";

export interface WebAclProps {
  /** Prefix of every name, e.g. `cqrs-direct-dev`. */
  readonly namePrefix: string;
  /** The stage the web ACL protects. */
  readonly stage: ApiGatewayStage;
  /** Requests one client IP may make in any 5-minute window before WAF blocks it. */
  readonly requestsPerIpPer5Minutes: number;
  readonly logRetentionDays: number;
}

/**
 * AWS managed rule groups every public API should have: OWASP-style common attacks, and known bad
 * inputs (Log4Shell and friends). https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

/**
 * Rules of the core rule set that would block requests the order contract accepts: an order's text fields and
 * the account id in `GET /{accountid}` may hold any text (`<script>`, `../`, a URL, an IP address), JSON
 * allows any amount of whitespace (a valid order can exceed the 8 KB body rule), and the contract needs no
 * User-Agent. They run in count mode: WAF logs and counts their matches, and the model and the templates,
 * which never interpret the text, decide. Its rules on query strings, cookies and other headers, which the
 * contract does not use, keep blocking, and so does the whole known-bad-inputs group (Log4j lookups, Java
 * deserialization payloads, exploitable paths): the contract excludes that text when the WAF is on.
 * Rule names from https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const COUNTED_RULES: Readonly<Record<(typeof MANAGED_RULE_GROUPS)[number], readonly string[]>> = {
  AWSManagedRulesCommonRuleSet: [
    "NoUserAgent_HEADER",
    "SizeRestrictions_BODY",
    "EC2MetaDataSSRF_BODY",
    "EC2MetaDataSSRF_URIPATH",
    "GenericLFI_BODY",
    "GenericLFI_URIPATH",
    "GenericRFI_BODY",
    "GenericRFI_URIPATH",
    "RestrictedExtensions_URIPATH",
    "CrossSiteScripting_BODY",
    "CrossSiteScripting_URIPATH",
  ],
  AWSManagedRulesKnownBadInputsRuleSet: [],
};

function visibility(metricName: string) {
  return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

/** A regional WAFv2 web ACL in front of the stage: a per-IP rate limit, then AWS's managed rule groups. */
export class WebAcl extends Construct {
  public readonly webAcl: Wafv2WebAcl;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const name = `${props.namePrefix}-orders`;

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name,
      description: "Orders API: per-IP rate limit and AWS managed rule groups.",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rule: [
        {
          name: "rate-limit-per-ip",
          priority: 0,
          action: { block: {} },
          // Nested statements are untyped in the provider bindings: attribute names as Terraform spells them.
          statement: {
            rate_based_statement: {
              limit: props.requestsPerIpPer5Minutes,
              aggregate_key_type: "IP",
              evaluation_window_sec: 300,
            },
          },
          visibilityConfig: visibility(`${name}-rate-limit-per-ip`),
        },
        ...MANAGED_RULE_GROUPS.map((group, index) => ({
          name: group,
          priority: index + 1,
          overrideAction: { none: {} },
          statement: {
            managed_rule_group_statement: {
              vendor_name: "AWS",
              name: group,
              ...(COUNTED_RULES[group].length > 0
                ? {
                    rule_action_override: COUNTED_RULES[group].map((rule) => ({
                      name: rule,
                      action_to_use: { count: {} },
                    })),
                  }
                : {}),
            },
          },
          visibilityConfig: visibility(`${name}-${group}`),
        })),
      ],
    });

    new Wafv2WebAclAssociation(this, "stage", {
      resourceArn: props.stage.arn,
      webAclArn: this.webAcl.arn,
    });

    // WAF only writes to log groups whose name starts with aws-waf-logs-.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `aws-waf-logs-${name}`,
      retentionInDays: props.logRetentionDays,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
    });
  }
}
