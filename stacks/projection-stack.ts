import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ProjectionGuardrails } from "./aspects/projection-guardrails";
import type { ProjectConfig, ProjectionSettings } from "./config";
import { regionalRoleName } from "./constructs/iam";
import { keyUseStatements } from "./constructs/key-use";
import { OrderTables } from "./constructs/order-tables";
import { OrdersApi } from "./constructs/orders-api";
import { currentPartition } from "./constructs/partition";
import { stateKey, useS3StateBackend } from "./constructs/state-backend";
import { OUTPUTS } from "./outputs";

export const PROJECT_TAG = "cqrs-projections";

/** The minimum Terraform that understands `use_lockfile` without deprecation warnings. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11.0";

/**
 * What both stacks share: providers, S3 state, the details/summary/ledger tables and the orders API.
 * Subclasses add the projection from the details stream to the summary table.
 */
export abstract class ProjectionStack extends TerraformStack {
  public readonly config: ProjectConfig;
  /** Prefix of every resource name, e.g. `cqrs-direct-dev`. */
  public readonly namePrefix: string;
  public readonly tables: OrderTables;
  public readonly api: OrdersApi;
  /** Partition of the region (`aws`, `aws-cn`, `aws-us-gov`, ...): every ARN the stacks build uses it. */
  public readonly partition: string;

  protected constructor(
    scope: Construct,
    stackName: string,
    shortName: string,
    config: ProjectConfig,
    projection: ProjectionSettings,
  ) {
    super(scope, stackName);
    this.config = config;
    this.namePrefix = `cqrs-${shortName}-${config.environment}`;

    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    Aspects.of(this).add(new ProjectionGuardrails());
    useS3StateBackend(
      this,
      config.state,
      stateKey(config.state, config.environment, config.region, stackName),
    );
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags: { project: PROJECT_TAG, stack: stackName, environment: config.environment } }],
    });
    this.partition = currentPartition(this);

    this.tables = new OrderTables(this, "tables", {
      namePrefix: this.namePrefix,
      summaryReadCapacity: projection.summaryReadCapacity,
      summaryWriteCapacity: projection.summaryWriteCapacity,
      kmsKeyArn: config.encryption.kmsKeyArn,
      detailsDeletionProtection: config.detailsDeletionProtection,
    });

    this.api = new OrdersApi(this, "orders-api", {
      namePrefix: this.namePrefix,
      region: config.region,
      detailsTable: this.tables.details,
      summaryTable: this.tables.summary,
      settings: config.api,
      logRetentionDays: config.logRetentionDays,
      partition: this.partition,
      kmsKeyArn: config.encryption.kmsKeyArn,
    });

    this.output(OUTPUTS.apiUrl, this.api.invokeUrl, "Base URL: POST <url>/order, GET <url>/<accountid>");
    this.output(OUTPUTS.apiAuth, config.api.auth.mode, "How callers authenticate: iam, api_key or none");
    this.output(OUTPUTS.detailsTableName, this.tables.details.name, "Table keeping every order");
    this.output(OUTPUTS.summaryTableName, this.tables.summary.name, "Table keeping one summary per account");
    this.output(
      OUTPUTS.ledgerTableName,
      this.tables.ledger.name,
      "Marks of applied stream records spilled from the summary items",
    );
    if (config.api.auth.mode === "iam") {
      this.output(
        OUTPUTS.apiInvokeResourceArn,
        this.api.invokeResourceArn,
        "Resource of an IAM policy allowing execute-api:Invoke on every method; sign requests with SigV4",
      );
    }
    if (this.api.apiKey) {
      this.output(OUTPUTS.apiKeyId, this.api.apiKey.id, "Id of the client API key");
      new TerraformOutput(this, OUTPUTS.apiKeyValue, {
        value: this.api.apiKey.value,
        description: "Client API key: send it as the x-api-key header",
        sensitive: true,
      });
    }
  }

  /** Name of a role of this stack: `<namePrefix>-<purpose>-<region>`, unique in the account. */
  protected roleName(purpose: string): string {
    return regionalRoleName(`${this.namePrefix}-${purpose}`, this.config.region);
  }

  protected output(id: string, value: string, description: string): void {
    new TerraformOutput(this, id, { value, description });
  }

  /** Environment of the functions that write the summary table. */
  protected summaryWriterEnvironment(serviceName: string): Record<string, string> {
    return {
      SUMMARY_TABLE_NAME: this.tables.summary.name,
      LEDGER_TABLE_NAME: this.tables.ledger.name,
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_LOG_LEVEL: "INFO",
    };
  }

  /**
   * Exactly what writing the summary and its ledger takes: UpdateItem on both (TransactWriteItems
   * checks the action of each Update it holds) and Query on the ledger to find a late record's range item.
   */
  protected summaryWriterPermissions() {
    return [
      { actions: ["dynamodb:UpdateItem"], resources: [this.tables.summary.arn] },
      { actions: ["dynamodb:Query", "dynamodb:UpdateItem"], resources: [this.tables.ledger.arn] },
      ...keyUseStatements(this.config.encryption.kmsKeyArn, ["dynamodb-write"]),
    ];
  }
}
