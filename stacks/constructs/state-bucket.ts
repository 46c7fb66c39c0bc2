import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

/**
 * The key of every state object: S3's AWS managed key in the account, the key SSE-KMS uses when a bucket's
 * default encryption names none (as the state bucket's does). No key policy or IAM statement is needed for it:
 * its key policy lets every principal of the account that may use S3 use it through S3
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html). An alias resolves in the
 * caller's account, so a state bucket in another account would need that account's key ARN instead.
 */
export const STATE_KMS_KEY_ID = "alias/aws/s3";

export interface StateBucketProps {
  readonly bucketName: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Days an overwritten or deleted state version is kept, to roll a state back. @default 90 */
  readonly noncurrentVersionDays?: number;
}

/**
 * The bucket holding Terraform state: versioned (every state can be restored), encrypted by default with
 * STATE_KMS_KEY_ID (the backend names the same key, see state-backend.ts), never public, reachable over TLS only, old versions expired.
 */
export class StateBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const region = props.region;

    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, region });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      region,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      region,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket,
      region,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      region,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    });
    this.policy = new S3BucketPolicy(this, "tls-only", {
      bucket,
      region,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      dependsOn: [publicAccess],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      region,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 90 }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
  }
}
