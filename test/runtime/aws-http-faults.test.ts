import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_TABLE_NAME, Status } from '../../protocol/index.js';
import { DynamoDbItemStore } from '../../runtime/src/aws/item-store.js';
import { sendJson, startServer, type TestServer } from './support/http.js';

describe('AWS faults over HTTP', () => {
  let server: TestServer;
  let client: DynamoDBClient;
  const targets: string[] = [];
  let throttles = 0;

  beforeAll(async () => {
    server = await startServer((req, _body, res) => {
      targets.push(String(req.headers['x-amz-target']));
      if (String(req.headers['x-amz-target']).endsWith('UpdateItem')) return; // never answers: a stalled DynamoDB
      if (throttles-- > 0) return sendJson(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' });
      sendJson(res, 200, {});
    });
    client = new DynamoDBClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('a throttled PutItem is retried by the SDK with backoff and then succeeds', async () => {
    throttles = 2;
    await new DynamoDbItemStore(client, DEFAULT_TABLE_NAME).put({ RequestId: 'req-1' });
    expect(targets).toEqual(['DynamoDB_20120810.PutItem', 'DynamoDB_20120810.PutItem', 'DynamoDB_20120810.PutItem']);
  });

  it('the TIMED_OUT write gives up when its signal fires, so the timeout error can still be posted', async () => {
    const store = new DynamoDbItemStore(client, DEFAULT_TABLE_NAME);
    await expect(store.finishUnanswered('req-1', Status.TimedOut, AbortSignal.timeout(50))).rejects.toThrow(/abort/i);
  });
});
