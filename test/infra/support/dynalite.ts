import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Attr } from '../../../protocol/index.js';

// Loaded through require with a local type, so no ambient `declare module 'dynalite'` is needed.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

export const TEST_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export interface LocalDynamo {
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** dynalite in memory on 127.0.0.1 with a request table (key only: the route needs no index). */
export async function startDynamo(tableName: string): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({ ...TEST_AWS, endpoint: `http://127.0.0.1:${port}` });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: Attr.RequestId, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: Attr.RequestId, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    client,
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
