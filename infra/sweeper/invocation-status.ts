import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr } from '../../protocol/index.js';

/** The invocations' status, as far as the sweeper needs it. */
export interface InvocationStatus {
  /** The item's Status, or undefined when there is no item. */
  of(requestId: string): Promise<string | undefined>;
}

export class DynamoDbInvocationStatus implements InvocationStatus {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async of(requestId: string): Promise<string | undefined> {
    // Eventually consistent is enough: a stale PENDING only postpones a delete to the next sweep.
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ [Attr.RequestId]: requestId }), ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': Attr.Status } }),
    );
    const status = Item === undefined ? undefined : unmarshall(Item)[Attr.Status];
    return typeof status === 'string' ? status : undefined;
  }
}
