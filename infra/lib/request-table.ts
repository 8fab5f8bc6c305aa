import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { Attr, GSI_CONNECTION_ID, GSI_SESSION_ID } from '../../protocol/index.js';

/** The request table (one item per debugged invocation) and its stream. */
export class RequestTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { tableName: string }) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: Attr.RequestId, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
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
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: key, type: dynamodb.AttributeType.STRING },
        sortKey: { name: Attr.RequestId, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** ARNs of the table and of each of its indexes (named, so no `index/*` wildcard). */
  get arnsWithIndexes(): string[] {
    return [this.table.tableArn, ...[GSI_SESSION_ID, GSI_CONNECTION_ID].map((name) => `${this.table.tableArn}/index/${name}`)];
  }
}
