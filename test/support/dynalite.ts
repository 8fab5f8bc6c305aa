import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { Attr, DEFAULT_TABLE_NAME } from '../../protocol/index.js';

/** Region and dummy credentials for SDK clients in tests (nothing reaches AWS). */
export const TEST_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export interface LocalDynamo {
  url: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** dynalite in memory on 127.0.0.1 with a request table (key only: the code under test needs no index). */
export async function startDynamo(tableName: string = DEFAULT_TABLE_NAME): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ ...TEST_AWS, endpoint: url });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: Attr.RequestId, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: Attr.RequestId, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    url,
    client,
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
