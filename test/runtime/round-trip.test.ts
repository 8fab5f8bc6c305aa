import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  Attr,
  DEBUGGER_ERROR_TYPE,
  DEFAULT_TABLE_NAME,
  DeliveredVia,
  Env,
  QUEUE_MAX_MESSAGE_BYTES,
  REDACTED,
  ROLE_EXTERNAL_ID,
  Status,
  encodeQueueMessage,
  readRequestJson,
  type DebuggerRequestMessage,
} from '../../protocol/index.js';
import { ConnectionsEndpoint } from './support/connections-endpoint.js';
import { startDynamo, type LocalDynamo } from '../support/dynalite.js';
import { LayerProcess, ROOT } from './support/layer-process.js';
import { RuntimeApiServer } from './support/runtime-api-server.js';
import { ANSWER_SENDER_ROLE_ID, SqsEndpoint } from './support/sqs-endpoint.js';
import { StsEndpoint } from './support/sts-endpoint.js';

const CONNECTION_ID = 'conn-1';
const SECRET = 'function-secret-key';

/** How the in-test debugger answers each request, by the event's `answer` field. */
type Mode = 'item' | 'queue' | 'error-string' | 'silent';

describe('the built layer, one full round trip over real HTTP', () => {
  let runtimeApi: RuntimeApiServer;
  let table: LocalDynamo;
  let sqs: SqsEndpoint;
  let sts: StsEndpoint;
  let connections: ConnectionsEndpoint;
  let layer: LayerProcess;
  const messages: DebuggerRequestMessage[] = [];
  let spawnedAt = 0;
  // The layer runs from a copy outside the repository: it must need nothing from node_modules.
  const opt = mkdtempSync(join(tmpdir(), 'plldb-opt-'));

  const answerAsDebugger = async (message: DebuggerRequestMessage) => {
    messages.push(message);
    const item = await getItem(message.requestId);
    const request = JSON.parse(readRequestJson(item) ?? '{}') as { event: { answer: Mode; value?: unknown } };
    const mode = request.event.answer;
    if (mode === 'silent') return;
    if (mode === 'queue') {
      const queueUrl = `${sqs.url}/123456789012/${String(item[Attr.QueueName])}`;
      while (!sqs.queues.has(queueUrl)) await new Promise((r) => setTimeout(r, 10));
      const body = JSON.stringify(request.event.value);
      sqs.send(queueUrl, encodeQueueMessage({ type: 'answer', requestId: message.requestId, answer: { kind: 'response', statusCode: 200, body } }));
      return;
    }
    const answer = mode === 'item' ? { ResponseCode: 200, Response: '{"ok": true,  "spacing":"kept"}' } : { ResponseCode: 500, Error: 'handler blew up' };
    const values = { [Attr.Status]: Status.Responded, ...answer };
    await table.client.send(
      new UpdateItemCommand({
        TableName: DEFAULT_TABLE_NAME,
        Key: marshall({ [Attr.RequestId]: message.requestId }),
        UpdateExpression: 'SET ' + Object.keys(values).map((k) => `#${k} = :${k}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(Object.keys(values).map((k) => [`#${k}`, k])),
        ExpressionAttributeValues: marshall(Object.fromEntries(Object.entries(values).map(([k, v]) => [`:${k}`, v]))),
      }),
    );
  };

  const getItem = async (requestId: string) => {
    const out = await table.client.send(new GetItemCommand({ TableName: DEFAULT_TABLE_NAME, Key: marshall({ [Attr.RequestId]: requestId }), ConsistentRead: true }));
    return unmarshall(out.Item ?? {});
  };

  beforeAll(async () => {
    runtimeApi = await new RuntimeApiServer().start();
    table = await startDynamo();
    sqs = await new SqsEndpoint().start();
    sts = await new StsEndpoint().start();
    connections = await new ConnectionsEndpoint('stage', (_id, data) => void answerAsDebugger(JSON.parse(data) as DebuggerRequestMessage)).start();
    cpSync(join(ROOT, 'dist', 'layer'), opt, { recursive: true });
    spawnedAt = Date.now();
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_RUNTIME_API: runtimeApi.address,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAFUNCTION',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_LAMBDA_FUNCTION_NAME: 'demo',
      AWS_ENDPOINT_URL_DYNAMODB: table.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_STS: sts.url,
      [Env.SessionId]: 'session-1',
      [Env.ConnectionId]: CONNECTION_ID,
      [Env.WebSocketApiEndpoint]: connections.endpoint,
      [Env.DeadlineMarginMs]: '200',
      [Env.AnswerSenderIds]: ANSWER_SENDER_ROLE_ID,
      // No relay here: answers written to the item arrive by the poll arm, which must not wait the production 2 s.
      [Env.PollWithQueueMs]: '100',
      AWS_LAMBDA_MAX_CONCURRENCY: '2',
    };
    layer = new LayerProcess(['/bin/false', 'the-function-runtime'], env, join(opt, 'bin', 'bootstrap'));
  });

  afterAll(async () => {
    await layer.stop();
    await Promise.all([runtimeApi.close(), table.close(), sqs.close(), sts.close(), connections.close()]);
    rmSync(opt, { recursive: true, force: true });
  });

  it('returns an answer written to the item (poll arm) byte for byte, then records delivery and deletes the queue', async () => {
    const result = await runtimeApi.invoke(JSON.stringify({ answer: 'item', n: 1 }), { requestId: 'req-item' });
    expect(result).toMatchObject({ kind: 'response', body: '{"ok": true,  "spacing":"kept"}' });
    await until(() => sqs.deleted.length === 1);
    const item = await getItem('req-item');
    expect(item).toMatchObject({ [Attr.Status]: Status.Delivered, [Attr.DeliveredVia]: DeliveredVia.Poll, [Attr.SessionId]: 'session-1', [Attr.ConnectionId]: CONNECTION_ID });
    expect(JSON.parse(item[Attr.Request] as string)).toMatchObject({ event: { answer: 'item', n: 1 }, context: { awsRequestId: 'req-item', functionName: 'demo' } });
    expect((item[Attr.EnvironmentVariables] as Record<string, string>).AWS_SECRET_ACCESS_KEY).toBe('');
    expect(sqs.created[0]).toMatchObject({ name: String(item[Attr.QueueName]), attributes: { MaximumMessageSize: String(QUEUE_MAX_MESSAGE_BYTES) } });
    expect(sts.calls[0]?.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/PLLDBDebuggerRole');
    expect(sts.calls[0]?.get('ExternalId')).toBe(ROLE_EXTERNAL_ID);
    const message = messages.find((m) => m.requestId === 'req-item');
    expect(message).toMatchObject({ type: 'request', eventInline: true, event: JSON.stringify({ answer: 'item', n: 1 }), sessionId: 'session-1' });
    expect(message?.environmentVariables.AWS_SECRET_ACCESS_KEY).toBe(REDACTED);
  });

  it('returns an answer from the queue (SQS arm)', async () => {
    const result = await runtimeApi.invoke(JSON.stringify({ answer: 'queue', value: { via: 'queue' } }), { requestId: 'req-queue' });
    expect(result).toMatchObject({ kind: 'response', body: '{"via":"queue"}' });
    await until(async () => (await getItem('req-queue'))[Attr.Status] === Status.Delivered);
    expect((await getItem('req-queue'))[Attr.DeliveredVia]).toBe(DeliveredVia.Sqs);
  });

  it('returns a plain-string Error as a DebuggerError', async () => {
    const result = await runtimeApi.invoke(JSON.stringify({ answer: 'error-string' }));
    expect(result.kind).toBe('error');
    expect(JSON.parse(result.body)).toEqual({ errorMessage: 'handler blew up', errorType: DEBUGGER_ERROR_TYPE, stackTrace: [] });
    expect(result.headers['lambda-runtime-function-error-type']).toBe(DEBUGGER_ERROR_TYPE);
  });

  it('leaves an event over the WebSocket limit out of the message; the item still has it', async () => {
    const big = 'x'.repeat(200 * 1024);
    const result = await runtimeApi.invoke(JSON.stringify({ answer: 'item', big }), { requestId: 'req-big' });
    expect(result.kind).toBe('response');
    const message = messages.find((m) => m.requestId === 'req-big');
    expect(message?.eventInline).toBe(false);
    expect(message?.event).toBeUndefined();
    expect(JSON.parse(readRequestJson(await getItem('req-big')) ?? '{}').event.big).toBe(big);
  });

  it('posts a timeout error before the deadline and marks the item TIMED_OUT, while a second invocation runs alongside', async () => {
    const order: string[] = [];
    const silent = runtimeApi.invoke(JSON.stringify({ answer: 'silent' }), { requestId: 'req-silent', deadlineMs: Date.now() + 1200 }).then((r) => {
      order.push('silent');
      return r;
    });
    const answered = runtimeApi.invoke(JSON.stringify({ answer: 'item' }), { requestId: 'req-beside' }).then(() => order.push('beside'));
    const [result] = await Promise.all([silent, answered]);
    expect(order).toEqual(['beside', 'silent']);
    expect(result.kind).toBe('error');
    expect(JSON.parse(result.body).errorMessage).toMatch(/did not answer within the function's timeout.*plldb attach --timeout/);
    expect((await getItem('req-silent'))[Attr.Status]).toBe(Status.TimedOut);
  });

  it('fails at once when the debugger connection is gone (410)', async () => {
    connections.gone.add(CONNECTION_ID);
    try {
      const result = await runtimeApi.invoke(JSON.stringify({ answer: 'item' }), { requestId: 'req-gone' });
      expect(result.kind).toBe('error');
      expect(JSON.parse(result.body).errorMessage).toContain(`connection ${CONNECTION_ID} is gone`);
      expect((await getItem('req-gone'))[Attr.Status]).toBe(Status.Failed);
    } finally {
      connections.gone.delete(CONNECTION_ID);
    }
  });

  it('logs one JSON line per step, without credentials or bodies', async () => {
    const logs = layer.logs();
    const events = new Set(logs.map((l) => l.event));
    for (const e of ['init_done', 'invocation_received', 'item_written', 'queue_created', 'debugger_notified', 'answer_received', 'answer_posted', 'bookkeeping_done', 'invocation_failed']) {
      expect(events).toContain(e);
    }
    expect(logs.every((l) => typeof l.ts === 'number' && typeof l.level === 'string')).toBe(true);
    const text = layer.stdout.join('\n');
    for (const secret of [SECRET, 'role-secret', 'role-token', 'spacing', 'handler blew up']) expect(text).not.toContain(secret);
  });

  it('serves 100 round trips (figures printed with PLLDB_MEASURE=1)', async () => {
    const rounds = process.env.PLLDB_MEASURE === '1' ? 100 : 5;
    const started = Date.now();
    for (let i = 0; i < rounds; i++) {
      expect((await runtimeApi.invoke(JSON.stringify({ answer: 'queue', value: i }))).body).toBe(String(i));
    }
    if (process.env.PLLDB_MEASURE === '1') {
      const rssKb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${layer.pid}/status`, 'utf8'))?.[1];
      const initMs = layer.logs().find((l) => l.event === 'init_done')?.initMs;
      process.stderr.write(
        `PLLDB runtime: first /next ${(runtimeApi.nextAt[0] ?? 0) - spawnedAt} ms after spawn, init_done initMs ${Number(initMs).toFixed(1)}, ` +
          `RSS after ${rounds} more round trips ${rssKb} kB, ${((Date.now() - started) / rounds).toFixed(1)} ms per round trip\n`,
      );
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
