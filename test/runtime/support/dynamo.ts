import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Attr, DEFAULT_TABLE_NAME } from '../../../protocol/index.js';

export interface TestTable {
  url: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** dynalite in memory with the request table (key only: the runtime needs no index). */
export async function startTable(): Promise<TestTable> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await client.send(
    new CreateTableCommand({
      TableName: DEFAULT_TABLE_NAME,
      AttributeDefinitions: [{ AttributeName: Attr.RequestId, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: Attr.RequestId, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    url,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
