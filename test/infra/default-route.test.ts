import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, QUEUE_MAX_MESSAGE_BYTES, RESULT_TOO_LARGE_ERROR_TYPE, Status, decodeQueueMessage } from '../../protocol/index.js';
import type { ApiReply, RequestItem, StatusValue } from '../../protocol/index.js';
import { handleDefaultRoute } from '../../infra/websocket/default-route.js';
import type { DefaultRouteDeps } from '../../infra/websocket/default-route.js';
import { DynamoDbAnswerStore } from '../../infra/websocket/dynamodb-answer-store.js';
import type { ConnectionReplier, QueueRef, QueueSender } from '../../infra/websocket/ports.js';
import type { Logger } from '../../infra/shared/log.js';
import { startDynamo } from '../support/dynalite.js';
import type { LocalDynamo } from '../support/dynalite.js';

const TABLE = 'PLLDBDebugger';
const OWNER = 'conn-owner';
const OTHER = 'conn-other';
const REQUEST_ID = 'req-1';
const QUEUE_NAME = 'plldb-req-1-abcdefgh';

class RecordingQueues implements QueueSender {
  sent: { queue: QueueRef; body: string }[] = [];
  failWith: Error | undefined;
  async send(queue: QueueRef, body: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push({ queue, body });
  }
}

class RecordingReplier implements ConnectionReplier {
  replies: { connectionId: string; reply: ApiReply }[] = [];
  failWith: Error | undefined;
  async reply(connectionId: string, reply: ApiReply): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.replies.push({ connectionId, reply });
  }
}

let dynamo: LocalDynamo;
let queues: RecordingQueues;
let replier: RecordingReplier;
let logs: { level: string; event: string; fields: Record<string, unknown> }[];
let deps: DefaultRouteDeps;

beforeAll(async () => {
  dynamo = await startDynamo(TABLE);
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  queues = new RecordingQueues();
  replier = new RecordingReplier();
  logs = [];
  const log: Logger = (level, event, fields = {}) => logs.push({ level, event, fields });
  deps = { store: new DynamoDbAnswerStore(dynamo.client, TABLE), queues, replier, log };
  await dynamo.client.send(new DeleteItemCommand({ TableName: TABLE, Key: marshall({ RequestId: REQUEST_ID }) }));
});

function pendingItem(overrides: Partial<RequestItem> = {}): RequestItem {
  return {
    RequestId: REQUEST_ID,
    SessionId: 'session-1',
    ConnectionId: OWNER,
    Request: '{"event":{},"context":{}}',
    EnvironmentVariables: { A: '1' },
    QueueName: QUEUE_NAME,
    Status: Status.Pending,
    CreatedAt: 1_700_000_000_000,
    ExpiresAt: 1_700_003_600,
    ...overrides,
  };
}

async function putItem(item: RequestItem | Record<string, unknown>): Promise<void> {
  await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...item }) }));
}

async function getItem(): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: marshall({ RequestId: REQUEST_ID }), ConsistentRead: true }));
  return Item && unmarshall(Item);
}

function send(body: unknown, connectionId = OWNER): Promise<ApiReply> {
  return handleDefaultRoute(deps, { connectionId, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const answer = { action: 'response', requestId: REQUEST_ID, statusCode: 200, response: '{"ok":true}' };

describe('$default: a valid answer from the owning connection', () => {
  it('is stored (RESPONDED), sent to the invocation queue, and acknowledged', async () => {
    await putItem(pendingItem());
    const reply = await send(answer);

    expect(reply).toEqual({ type: 'response-accepted', requestId: REQUEST_ID });
    expect(replier.replies).toEqual([{ connectionId: OWNER, reply }]);
    expect(await getItem()).toEqual({ ...pendingItem(), Status: Status.Responded, ResponseCode: 200, Response: '{"ok":true}' });
    expect(queues.sent).toHaveLength(1);
    expect(queues.sent[0]?.queue).toEqual({ name: QUEUE_NAME });
    expect(decodeQueueMessage(queues.sent[0]?.body)).toEqual({
      type: 'answer',
      requestId: REQUEST_ID,
      answer: { kind: 'response', statusCode: 200, body: '{"ok":true}' },
    });
  });

  it('stores a handler error as Error JSON, in the original message format (no action)', async () => {
    await putItem(pendingItem());
    const reply = await send({ requestId: REQUEST_ID, statusCode: 500, errorMessage: 'boom' });

    expect(reply.type).toBe('response-accepted');
    const item = await getItem();
    expect(item?.[Attr.Status]).toBe(Status.Responded);
    expect(item?.[Attr.ResponseCode]).toBe(500);
    expect(JSON.parse(String(item?.[Attr.Error]))).toEqual({ errorMessage: 'boom', errorType: 'DebuggerError', stackTrace: [] });
    expect(decodeQueueMessage(queues.sent[0]?.body)).toMatchObject({ type: 'answer', answer: { kind: 'error', statusCode: 500 } });
  });

  it("finds the queue by the item's QueueName, which the write leaves as it was", async () => {
    await putItem({ ...pendingItem(), QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/plldb-req-1-x' });
    await send(answer);
    expect(queues.sent[0]?.queue).toEqual({ name: QUEUE_NAME });
    expect((await getItem())?.[Attr.QueueName]).toBe(QUEUE_NAME);
  });

  it('stores the answer of an item that names no queue, and skips the fast path (the poll finds it)', async () => {
    const { QueueName: _none, ...noQueue } = pendingItem();
    await putItem(noQueue);
    const reply = await send(answer);

    expect(reply).toEqual({ type: 'response-accepted', requestId: REQUEST_ID });
    expect((await getItem())?.[Attr.Status]).toBe(Status.Responded);
    expect(queues.sent).toEqual([]);
    expect(logs).toContainEqual({ level: 'warn', event: 'fast-path-skipped', fields: { requestId: REQUEST_ID, reason: 'item has no queue' } });
  });

  it('sends to the queue before it replies, and replies without waiting for the send', async () => {
    await putItem(pendingItem());
    const order: string[] = [];
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowQueues: QueueSender = {
      send: async () => {
        order.push('send-started');
        await held;
        order.push('send-done');
      },
    };
    const replied: ConnectionReplier = {
      reply: async () => {
        order.push('replied');
        release();
      },
    };
    await expect(handleDefaultRoute({ ...deps, queues: slowQueues, replier: replied }, { connectionId: OWNER, body: JSON.stringify(answer) })).resolves.toEqual({
      type: 'response-accepted',
      requestId: REQUEST_ID,
    });
    expect(order).toEqual(['send-started', 'replied', 'send-done']);
  });

  it('learns the queue from the write itself, without reading the request back', async () => {
    await putItem(pendingItem({ Request: JSON.stringify({ event: { blob: 'x'.repeat(300_000) }, context: {} }) }));
    const sent: Record<string, unknown>[] = [];
    dynamo.client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        sent.push({ input: args.input, attributes: (out.output as { Attributes?: Record<string, unknown> }).Attributes });
        return out;
      },
      { step: 'initialize', name: 'record-update' },
    );
    try {
      expect((await send(answer)).type).toBe('response-accepted');
    } finally {
      dynamo.client.middlewareStack.remove('record-update');
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({ ReturnValues: 'UPDATED_OLD' });
    expect(Object.keys(sent[0]?.attributes ?? {}).sort()).toEqual([Attr.QueueName, Attr.Status]);
    expect(queues.sent[0]?.queue).toEqual({ name: QUEUE_NAME });
  });

  it('sends a pointer when the answer does not fit a queue message', async () => {
    const big = JSON.stringify('x'.repeat(QUEUE_MAX_MESSAGE_BYTES));
    await putItem(pendingItem());
    const reply = await send({ ...answer, response: big });

    expect(reply.type).toBe('response-accepted');
    expect((await getItem())?.[Attr.Response]).toBe(big);
    expect(decodeQueueMessage(queues.sent[0]?.body)).toEqual({ type: 'pointer', requestId: REQUEST_ID });
  });

  it('stays stored and accepted when the fast-path send fails (the stream relay delivers it)', async () => {
    await putItem(pendingItem());
    queues.failWith = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    const reply = await send(answer);

    expect(reply).toEqual({ type: 'response-accepted', requestId: REQUEST_ID });
    expect((await getItem())?.[Attr.Status]).toBe(Status.Responded);
    expect(logs).toContainEqual({ level: 'warn', event: 'fast-path-failed', fields: { requestId: REQUEST_ID, error: 'AccessDenied' } });
  });

  it('stays stored when the reply cannot be delivered (the sender went away)', async () => {
    await putItem(pendingItem());
    replier.failWith = Object.assign(new Error('gone'), { name: 'GoneException' });
    await expect(send(answer)).resolves.toEqual({ type: 'response-accepted', requestId: REQUEST_ID });
    expect((await getItem())?.[Attr.Status]).toBe(Status.Responded);
    expect(queues.sent).toHaveLength(1);
  });
});

describe('$default: an answer the item cannot hold', () => {
  it('fails the invocation at once with PLLDB.ResultTooLarge, saying both sizes and the limit, and asks for no resend', async () => {
    await putItem(pendingItem({ Request: JSON.stringify({ event: { blob: 'x'.repeat(300_000) }, context: {} }) }));
    const reply = await send({ ...answer, response: JSON.stringify('y'.repeat(120_000)) });

    expect(reply).toMatchObject({ type: 'error', requestId: REQUEST_ID, message: expect.stringMatching(/PLLDB\.ResultTooLarge/) });
    expect(reply).not.toHaveProperty('retry');
    const item = await getItem();
    expect(item?.[Attr.Status]).toBe(Status.Responded);
    const error = JSON.parse(String(item?.[Attr.Error])) as { errorType: string; errorMessage: string };
    expect(error.errorType).toBe(RESULT_TOO_LARGE_ERROR_TYPE);
    expect(error.errorMessage).toMatch(/result \(120\d{3} bytes\).*already holds 300\d{3} bytes.*42\d{4} bytes together, over the item limit of 409600 bytes/);
    expect(decodeQueueMessage(queues.sent[0]?.body)).toMatchObject({ type: 'answer', answer: { kind: 'error', error: { errorType: RESULT_TOO_LARGE_ERROR_TYPE } } });
    expect(logs.map((l) => l.event)).toContain('answer-too-large');
  });
});

describe('$default: refusals change nothing', () => {
  async function expectRefused(body: unknown, connectionId: string, messagePart: RegExp): Promise<void> {
    const before = await getItem();
    const reply = await send(body, connectionId);
    expect(reply.type).toBe('error');
    expect(reply).toMatchObject({ requestId: REQUEST_ID });
    expect((reply as { message: string }).message).toMatch(messagePart);
    expect(replier.replies).toEqual([{ connectionId, reply }]);
    expect(await getItem()).toEqual(before);
    expect(queues.sent).toEqual([]);
  }

  it('refuses an answer from another connection', async () => {
    await putItem(pendingItem());
    await expectRefused(answer, OTHER, /belongs to another debugger connection.*not stored/);
  });

  it('refuses an answer for an unknown request (and creates no item)', async () => {
    await expectRefused(answer, OWNER, /request req-1 is unknown.*not stored/);
    expect(await getItem()).toBeUndefined();
  });

  it.each<[StatusValue, RegExp]>([
    [Status.Responded, /already answered \(status RESPONDED\)/],
    [Status.Delivered, /already answered \(status DELIVERED\)/],
    [Status.TimedOut, /timed out before this answer arrived/],
    [Status.Failed, /has status "FAILED", not PENDING/],
  ])('refuses an answer for a request that is %s', async (status, messagePart) => {
    await putItem({ ...pendingItem({ Status: status }), ResponseCode: 200, Response: '"first"' });
    await expectRefused({ ...answer, response: '"second"' }, OWNER, messagePart);
  });

  it.each<[string, unknown, RegExp]>([
    ['a non-numeric statusCode', { ...answer, statusCode: 'ok' }, /"statusCode" must be an integer/],
    ['a response that is not a string', { ...answer, response: { ok: true } }, /"response" must be the handler result serialized/],
    ['neither response nor errorMessage', { action: 'response', requestId: REQUEST_ID }, /needs "response".*or "errorMessage"/],
  ])('refuses a malformed answer: %s', async (_name, body, messagePart) => {
    await putItem(pendingItem());
    await expectRefused(body, OWNER, messagePart);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"action":', /not JSON/],
    ['an unknown action', '{"action":"dance"}', /unknown action "dance"/],
    ['no requestId', '{"action":"response","statusCode":200,"response":"1"}', /needs "requestId"/],
    ['empty', '', /empty message/],
  ])('replies with what is wrong to a message that is %s', async (_name, body, messagePart) => {
    await putItem(pendingItem());
    const before = await getItem();
    const reply = await send(body);
    expect(reply).toEqual({ type: 'error', message: expect.stringMatching(messagePart) });
    expect(await getItem()).toEqual(before);
    expect(queues.sent).toEqual([]);
  });

  it('says so, and stores nothing, when the table cannot be written', async () => {
    const broken = { ...deps, store: new DynamoDbAnswerStore(dynamo.client, 'NoSuchTable') };
    await putItem(pendingItem());
    const reply = await handleDefaultRoute(broken, { connectionId: OWNER, body: JSON.stringify(answer) });
    expect(reply).toEqual({ type: 'error', requestId: REQUEST_ID, message: expect.stringMatching(/could not store the answer \(ResourceNotFoundException\).*send it again/), retry: true });
    expect((await getItem())?.[Attr.Status]).toBe(Status.Pending);
  });
});

describe('$default: whoami', () => {
  it("replies with the sender's connection id", async () => {
    const reply = await send({ action: 'whoami' }, 'conn-xyz');
    expect(reply).toEqual({ type: 'whoami', connectionId: 'conn-xyz' });
    expect(replier.replies).toEqual([{ connectionId: 'conn-xyz', reply }]);
  });
});
