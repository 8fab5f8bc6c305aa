import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Attr } from '../../protocol/index.js';
import { preciseNow } from '../../sandbox/common/clock.js';
import type { Sandbox } from '../../sandbox/index.js';
import { median } from '../stats.js';

/**
 * One AWS round trip on this sandbox as an SDK client sees it (median of consistent GetItem calls):
 * the injected delay plus signing, HTTP and the stand-in's own work. The notify target counts in these.
 */
export async function measureRoundTrip(sandbox: Sandbox, calls: number): Promise<number> {
  const env = sandbox.env;
  const client = new DynamoDBClient({
    endpoint: sandbox.endpoints.dynamodb,
    region: sandbox.region,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
  });
  try {
    const command = new GetItemCommand({ TableName: sandbox.tableName, Key: { [Attr.RequestId]: { S: 'bench-round-trip' } }, ConsistentRead: true });
    await client.send(command);
    const times: number[] = [];
    for (let i = 0; i < calls; i += 1) {
      const started = preciseNow();
      await client.send(command);
      times.push(preciseNow() - started);
    }
    return median(times);
  } finally {
    client.destroy();
  }
}
