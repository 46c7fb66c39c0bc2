import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { DETAILS_HASH_KEY, DETAILS_RANGE_KEY, SUMMARY_ATTRIBUTES } from "../../functions/domain/fields";
import { LEDGER_HASH_KEY, LEDGER_RANGE_KEY, LEDGER_TTL_ATTRIBUTE } from "../../functions/summary/ledger";

export interface OrderTablesProps {
  /** Prefix of every table name, e.g. `cqrs-direct-dev`. */
  readonly namePrefix: string;
  /** Provisioned read capacity of the summary table. */
  readonly summaryReadCapacity: number;
  /** Provisioned write capacity of the summary table. */
  readonly summaryWriteCapacity: number;
  /** Customer managed key of all three tables; the AWS-managed key (`aws/dynamodb`) when unset. */
  readonly kmsKeyArn?: string;
  /** DynamoDB refuses to delete the details table (and Terraform with it) while this is on. */
  readonly detailsDeletionProtection: boolean;
}

/**
 * The write model (details, every order, streamed), the read model (summary, one item per account)
 * and the ledger keeping the marks of applied stream records that no longer fit in the summary item.
 */
export class OrderTables extends Construct {
  public readonly details: DynamodbTable;
  public readonly summary: DynamodbTable;
  public readonly ledger: DynamodbTable;

  constructor(scope: Construct, id: string, props: OrderTablesProps) {
    super(scope, id);
    // enabled = true without a key ARN is the AWS-managed key; false would be the AWS-owned key
    // (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#server_side_encryption).
    const serverSideEncryption = { enabled: true, kmsKeyArn: props.kmsKeyArn };

    this.details = new DynamodbTable(this, "details", {
      name: `${props.namePrefix}-details`,
      billingMode: "PAY_PER_REQUEST",
      hashKey: DETAILS_HASH_KEY,
      rangeKey: DETAILS_RANGE_KEY,
      attribute: [
        { name: DETAILS_HASH_KEY, type: "S" },
        { name: DETAILS_RANGE_KEY, type: "S" },
      ],
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption,
      deletionProtectionEnabled: props.detailsDeletionProtection,
    });

    this.summary = new DynamodbTable(this, "summary", {
      name: `${props.namePrefix}-summary`,
      billingMode: "PROVISIONED",
      readCapacity: props.summaryReadCapacity,
      writeCapacity: props.summaryWriteCapacity,
      hashKey: SUMMARY_ATTRIBUTES.accountId,
      attribute: [{ name: SUMMARY_ATTRIBUTES.accountId, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption,
    });

    this.ledger = new DynamodbTable(this, "ledger", {
      name: `${props.namePrefix}-applied-records`,
      billingMode: "PAY_PER_REQUEST",
      hashKey: LEDGER_HASH_KEY,
      rangeKey: LEDGER_RANGE_KEY,
      attribute: [
        { name: LEDGER_HASH_KEY, type: "S" },
        { name: LEDGER_RANGE_KEY, type: "N" },
      ],
      ttl: { enabled: true, attributeName: LEDGER_TTL_ATTRIBUTE },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption,
    });
  }
}
