import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, currentConnectionOf, sessionItemKey } from '../../protocol/index.js';
import type { SessionDirectory } from './ports.js';

/** SessionDirectory on the request table's session items (one consistent GetItem per session). */
export class DynamoDbSessionDirectory implements SessionDirectory {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async currentConnection(sessionId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [Attr.RequestId]: sessionItemKey(sessionId) }),
        // Consistent: the debugger records its new connection just before it closes the old one.
        ConsistentRead: true,
        ProjectionExpression: '#cur',
        ExpressionAttributeNames: { '#cur': Attr.CurrentConnectionId },
      }),
    );
    return currentConnectionOf(Item === undefined ? undefined : unmarshall(Item));
  }
}
