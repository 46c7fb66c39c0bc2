import type { PolicyStatement } from "./iam";

/**
 * What a caller of an encrypted table or queue needs on a customer managed KMS key, per use. Without a
 * customer managed key nothing is granted: the AWS-managed key of DynamoDB and SQS-managed SSE need no
 * caller permission.
 *
 * - SQS: a producer needs kms:GenerateDataKey and kms:Decrypt, a consumer kms:Decrypt
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 *   A receive past maxReceiveCount moves the message into the dead-letter queue with the consumer's
 *   authority, which then encrypts for that queue: kms:GenerateDataKey on the DLQ's key ("sqs-dead-letter").
 * - DynamoDB decrypts the table key with the caller's authority, so every reader needs kms:Decrypt; writers
 *   also get kms:Encrypt and kms:GenerateDataKey, the explicit forms of what aws-cdk's table grants give
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html).
 */
export type KeyUse = "dynamodb-read" | "dynamodb-write" | "sqs-send" | "sqs-receive" | "sqs-dead-letter";

const ACTIONS: Readonly<Record<KeyUse, readonly string[]>> = {
  "dynamodb-read": ["kms:Decrypt"],
  "dynamodb-write": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
  "sqs-send": ["kms:Decrypt", "kms:GenerateDataKey"],
  "sqs-receive": ["kms:Decrypt"],
  "sqs-dead-letter": ["kms:GenerateDataKey"],
};

/** One statement on the key holding every action the uses need; none without a customer managed key. */
export function keyUseStatements(kmsKeyArn: string | undefined, uses: readonly KeyUse[]): PolicyStatement[] {
  if (kmsKeyArn === undefined || uses.length === 0) return [];
  const actions = [...new Set(uses.flatMap((use) => ACTIONS[use]))].sort();
  return [{ actions, resources: [kmsKeyArn] }];
}
