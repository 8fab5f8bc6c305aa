import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DEBUGGER_DISCONNECTED_ERROR_TYPE, Status, decodeQueueMessage, readAnswer } from '../../protocol/index.js';
import type { StatusValue } from '../../protocol/index.js';
import { handleDisconnect } from '../../infra/websocket/disconnect-route.js';
import { DynamoDbAnswerStore } from '../../infra/websocket/dynamodb-answer-store.js';
import type { QueueRef, QueueSender } from '../../infra/websocket/ports.js';
import { DynamoDbService, createPlldbTable } from '../../sandbox/services/index.js';

const TABLE = 'PLLDBDebugger';

class RecordingQueues implements QueueSender {
  sent: { queue: QueueRef; body: string }[] = [];
  async send(queue: QueueRef, body: string): Promise<void> {
    this.sent.push({ queue, body });
  }
}

describe('$disconnect', () => {
  const dynamo = new DynamoDbService();
  let client: DynamoDBClient;

  beforeAll(async () => {
    await dynamo.start();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await createPlldbTable(client, TABLE);
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  async function put(requestId: string, connectionId: string, status: StatusValue): Promise<void> {
    const item = { RequestId: requestId, ConnectionId: connectionId, SessionId: 's', Status: status, QueueName: `plldb-${requestId}-x`, CreatedAt: 1, ExpiresAt: 2 };
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
  }
  async function get(requestId: string): Promise<Record<string, unknown>> {
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: marshall({ RequestId: requestId }), ConsistentRead: true }));
    return unmarshall(Item ?? {});
  }

  it("answers the connection's waiting invocations with an error and leaves everything else alone", async () => {
    await put('w1', 'gone', Status.Pending);
    await put('w2', 'gone', Status.Pending);
    await put('done', 'gone', Status.Delivered);
    await put('other', 'alive', Status.Pending);
    const queues = new RecordingQueues();
    const answered = await handleDisconnect({ store: new DynamoDbAnswerStore(client, TABLE), queues, log: () => undefined }, 'gone');

    expect(answered).toBe(2);
    for (const id of ['w1', 'w2']) {
      const item = await get(id);
      expect(item.Status).toBe(Status.Responded);
      expect(readAnswer(item)).toMatchObject({ kind: 'error', error: { errorType: DEBUGGER_DISCONNECTED_ERROR_TYPE, errorMessage: expect.stringContaining('gone') } });
    }
    expect(queues.sent.map((s) => decodeQueueMessage(s.body).requestId).sort()).toEqual(['w1', 'w2']);
    expect(queues.sent.map((s) => s.queue.name).sort()).toEqual(['plldb-w1-x', 'plldb-w2-x']);
    expect((await get('done')).Status).toBe(Status.Delivered);
    expect(await get('other')).not.toHaveProperty('Error');
  });

  it('does nothing for a connection with no waiting invocation, and survives a failing lookup', async () => {
    const queues = new RecordingQueues();
    const store = new DynamoDbAnswerStore(client, TABLE);
    expect(await handleDisconnect({ store, queues, log: () => undefined }, 'nobody')).toBe(0);
    const logs: string[] = [];
    const broken = new DynamoDbAnswerStore(client, 'NoSuchTable');
    expect(await handleDisconnect({ store: broken, queues, log: (_l, event) => logs.push(event) }, 'gone')).toBe(0);
    expect(logs).toEqual(['disconnect-lookup-failed']);
    expect(queues.sent).toEqual([]);
  });
});
