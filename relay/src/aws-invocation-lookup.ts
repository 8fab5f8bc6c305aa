import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Attr } from '../../protocol/index.js';
import type { InvocationLookup } from './types.js';

export function dynamoInvocationLookup(client: DynamoDBClient, tableName: string): InvocationLookup {
  return {
    async lookup(requestId) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [Attr.RequestId]: { S: requestId } },
          ConsistentRead: true,
          // The key too, so an existing item without Status still comes back.
          ProjectionExpression: '#id, #status',
          ExpressionAttributeNames: { '#id': Attr.RequestId, '#status': Attr.Status },
        }),
      );
      return Item === undefined ? { exists: false } : { exists: true, status: Item[Attr.Status]?.S };
    },
  };
}
