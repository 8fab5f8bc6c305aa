import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Attr, GSI_CONNECTION_ID, GSI_PROJECTED_ATTRIBUTES, GSI_SESSION_ID } from '../../protocol/index.js';

export interface RequestTableProps {
  tableName: string;
  /** A KMS key to encrypt the table with; unset: the AWS owned key (no key to manage, no KMS calls). */
  encryptionKeyArn?: string;
}

/** The request table (one item per debugged invocation) and its stream. */
export class RequestTable extends Construct {
  readonly table: dynamodb.Table;
  private readonly key?: kms.IKey;

  constructor(scope: Construct, id: string, props: RequestTableProps) {
    super(scope, id);
    this.key = props.encryptionKeyArn !== undefined ? kms.Key.fromKeyArn(this, 'Key', props.encryptionKeyArn) : undefined;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: Attr.RequestId, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(this.key ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.key } : { encryption: dynamodb.TableEncryption.DEFAULT }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: Attr.ExpiresAt,
      // The relay and its filter read only the new image (answer and queue); the old image
      // would double every record (a Request can be most of an item's 400 KB) for nothing.
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      // Items are short-lived invocation records (TTL): nothing to keep when the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const [indexName, key] of [
      [GSI_SESSION_ID, Attr.SessionId],
      [GSI_CONNECTION_ID, Attr.ConnectionId],
    ] as const) {
      const projected = GSI_PROJECTED_ATTRIBUTES[indexName] ?? [];
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: key, type: dynamodb.AttributeType.STRING },
        sortKey: { name: Attr.RequestId, type: dynamodb.AttributeType.STRING },
        ...(projected.length > 0 ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projected] } : { projectionType: dynamodb.ProjectionType.KEYS_ONLY }),
      });
    }
  }

  /** With a customer managed key, lets a role that reads or writes the table (or its stream) use the key. */
  grantKeyUse(role: iam.IGrantable): void {
    // Named actions, not grantEncryptDecrypt's `GenerateDataKey*` / `ReEncrypt*` wildcards: DynamoDB encrypts and decrypts items and stream records for the caller.
    this.key?.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }
}
