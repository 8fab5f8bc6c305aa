import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DEBUGGER_DISCONNECTED_ERROR_TYPE, Status, decodeQueueMessage, readAnswer, sessionItem } from '../../protocol/index.js';
import type { StatusValue } from '../../protocol/index.js';
import { handleDisconnect } from '../../infra/websocket/disconnect-route.js';
import { DynamoDbAnswerStore } from '../../infra/websocket/dynamodb-answer-store.js';
import { DynamoDbSessionDirectory } from '../../infra/websocket/dynamodb-session-directory.js';
import type { QueueRef, QueueSender, SessionDirectory } from '../../infra/websocket/ports.js';
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

  async function put(requestId: string, connectionId: string, status: StatusValue, sessionId = 's'): Promise<void> {
    const item = { RequestId: requestId, ConnectionId: connectionId, SessionId: sessionId, Status: status, QueueName: `plldb-${requestId}-x`, CreatedAt: 1, ExpiresAt: 2 };
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
    const answered = await handleDisconnect({ store: new DynamoDbAnswerStore(client, TABLE), sessions: new DynamoDbSessionDirectory(client, TABLE), queues, log: () => undefined }, 'gone');

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
    const sessions = new DynamoDbSessionDirectory(client, TABLE);
    expect(await handleDisconnect({ store, sessions, queues, log: () => undefined }, 'nobody')).toBe(0);
    const logs: string[] = [];
    const broken = new DynamoDbAnswerStore(client, 'NoSuchTable');
    expect(await handleDisconnect({ store: broken, sessions, queues, log: (_l, event) => logs.push(event) }, 'gone')).toBe(0);
    expect(logs).toEqual(['disconnect-lookup-failed']);
    expect(queues.sent).toEqual([]);
  });

  describe('a session that outlives its connections', () => {
    async function recordSession(sessionId: string, connectionId: string): Promise<void> {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(sessionItem(sessionId, connectionId, Date.now())) }));
    }

    it('leaves waiting invocations alone when their session has moved to another connection, and fails the rest', async () => {
      await recordSession('moved', 'new-conn');
      await recordSession('stayed', 'old-conn');
      await put('held', 'old-conn', Status.Pending, 'moved');
      await put('lost', 'old-conn', Status.Pending, 'stayed');
      await put('unrecorded', 'old-conn', Status.Pending, 'no-session-item');
      const queues = new RecordingQueues();
      const logs: Record<string, unknown>[] = [];
      const deps = { store: new DynamoDbAnswerStore(client, TABLE), sessions: new DynamoDbSessionDirectory(client, TABLE), queues, log: (_l: string, event: string, fields?: Record<string, unknown>) => void logs.push({ event, ...fields }) };

      expect(await handleDisconnect(deps, 'old-conn')).toBe(2);
      expect((await get('held')).Status).toBe(Status.Pending);
      expect(await get('held')).not.toHaveProperty('Error');
      for (const id of ['lost', 'unrecorded']) expect(readAnswer(await get(id))).toMatchObject({ kind: 'error', error: { errorType: DEBUGGER_DISCONNECTED_ERROR_TYPE } });
      expect(queues.sent.map((s) => decodeQueueMessage(s.body).requestId).sort()).toEqual(['lost', 'unrecorded']);
      expect(logs).toContainEqual({ event: 'disconnected', connectionId: 'old-conn', pending: 3, handedOver: 1, answered: 2 });
    });

    it('fails the invocations of a session whose current connection cannot be read (no silent wait until the deadline)', async () => {
      await recordSession('unreadable', 'elsewhere');
      await put('stuck', 'flaky-conn', Status.Pending, 'unreadable');
      const failing: SessionDirectory = { currentConnection: () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })) };
      const logs: string[] = [];
      const deps = { store: new DynamoDbAnswerStore(client, TABLE), sessions: failing, queues: new RecordingQueues(), log: (_l: string, event: string) => void logs.push(event) };

      expect(await handleDisconnect(deps, 'flaky-conn')).toBe(1);
      expect(logs).toEqual(['disconnect-session-lookup-failed', 'fast-path-sent', 'disconnected']);
    });
  });
});
