import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Attr, DEFAULT_TABLE_NAME, GSI_CONNECTION_ID, GSI_PROJECTED_ATTRIBUTES, GSI_SESSION_ID } from '../../protocol/index.js';
import type { StreamViewType } from './stream-record.js';

/** Creates the PLLDB request table as the stack does: key RequestId, the two GSIs (projecting only what is queried), a stream. */
export async function createPlldbTable(client: DynamoDBClient, tableName: string = DEFAULT_TABLE_NAME, streamViewType: StreamViewType = 'NEW_AND_OLD_IMAGES'): Promise<void> {
  const projection = (name: string) => {
    const projected = GSI_PROJECTED_ATTRIBUTES[name] ?? [];
    return projected.length > 0 ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projected] } : { ProjectionType: 'KEYS_ONLY' as const };
  };
  const gsi = (name: string, partition: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: partition, KeyType: 'HASH' as const },
      { AttributeName: Attr.RequestId, KeyType: 'RANGE' as const },
    ],
    Projection: projection(name),
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [Attr.RequestId, Attr.SessionId, Attr.ConnectionId].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [{ AttributeName: Attr.RequestId, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [gsi(GSI_SESSION_ID, Attr.SessionId), gsi(GSI_CONNECTION_ID, Attr.ConnectionId)],
      StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
    }),
  );
}
