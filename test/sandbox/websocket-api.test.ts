import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocket } from 'ws';
import { WebSocketApi } from '../../sandbox/apigateway/websocket-api.js';
import type { RouteKey } from '../../sandbox/apigateway/events.js';
import { sandboxClientConfig } from './sdk.js';

type Event = Record<string, unknown> & { requestContext: Record<string, unknown>; body?: string };

describe('sandbox API Gateway WebSocket API', () => {
  const events: { routeKey: RouteKey; event: Event }[] = [];
  const api = new WebSocketApi({
    stage: 'test',
    twoWayRoutes: ['$default'],
    invokeRoute: async (routeKey, event) => {
      events.push({ routeKey, event: event as Event });
      const query = (event as { queryStringParameters?: Record<string, string> }).queryStringParameters;
      if (routeKey === '$connect' && query?.refuse) return { statusCode: 401 };
      if (routeKey === '$default' && (event as Event).body === 'crash') throw new Error('handler failed');
      if (routeKey === '$default') return { statusCode: 200, body: `echo:${(event as Event).body}` };
      return { statusCode: 200 };
    },
  });
  let management: ApiGatewayManagementApiClient;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    await api.start();
    management = new ApiGatewayManagementApiClient(sandboxClientConfig(api.managementEndpoint));
  });

  afterAll(async () => {
    for (const ws of open) ws.terminate();
    management.destroy();
    await api.stop();
  });

  /** Connects a client; resolves with it and its connection id once `$connect` has run. */
  async function connect(query = '?X-Amz-Signature=abc'): Promise<{ ws: WebSocket; id: string; messages: string[] }> {
    const ws = new WebSocket(`${api.url}${query}`);
    open.push(ws);
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const connectEvents = events.filter((e) => e.routeKey === '$connect');
    return { ws, id: connectEvents[connectEvents.length - 1]?.event.requestContext.connectionId as string, messages };
  }

  const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setTimeout(r, 10));
  };

  it('runs $connect with the upgrade request, and $default per message with a route response', async () => {
    const { ws, id, messages } = await connect('?X-Amz-Signature=abc&a=1');
    const connect_ = events.find((e) => e.routeKey === '$connect')?.event;
    expect(connect_).toMatchObject({
      queryStringParameters: { 'X-Amz-Signature': 'abc', a: '1' },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'test', apiId: api.apiId, connectionId: id, messageDirection: 'IN' },
      isBase64Encoded: false,
    });
    expect(id).toMatch(/^[A-Za-z0-9]+=$/);
    ws.send('{"action":"whoami"}');
    await until(() => messages.length === 1);
    expect(messages).toEqual(['echo:{"action":"whoami"}']);
    const message = events.find((e) => e.routeKey === '$default')?.event;
    expect(message).toMatchObject({ body: '{"action":"whoami"}', isBase64Encoded: false, requestContext: { eventType: 'MESSAGE', connectionId: id, messageId: expect.any(String) } });
    ws.send('crash');
    await until(() => messages.length === 2);
    expect(JSON.parse(messages[1] as string)).toMatchObject({ message: 'Internal server error', connectionId: id });
  });

  it('refuses the upgrade when $connect answers 4xx', async () => {
    const ws = new WebSocket(`${api.url}?refuse=1`);
    ws.on('error', () => undefined);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode);
        req.destroy();
      });
      ws.once('open', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  it('posts to, describes and deletes a connection through the real management client; 410 once gone', async () => {
    const { ws, id, messages } = await connect();
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"request"} ✓') }));
    await until(() => messages.length === 1);
    expect(messages).toEqual(['{"type":"request"} ✓']);
    const info = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    const closing = closed(ws);
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    await closing;
    await until(() => events.some((e) => e.routeKey === '$disconnect' && e.event.requestContext.connectionId === id));
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('late') }))).rejects.toBeInstanceOf(GoneException);
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: 'never=', Data: Buffer.from('x') }))).rejects.toBeInstanceOf(GoneException);
  });

  it('enforces the 128 KB payload limit on PostToConnection (413) and client messages (1009)', async () => {
    const { ws, id } = await connect();
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024 + 1, 97) }))).rejects.toBeInstanceOf(PayloadTooLargeException);
    const chunk = 'x'.repeat(32 * 1024);
    const closing = closed(ws);
    for (let i = 0; i < 5; i++) ws.send(chunk, { fin: i === 4 });
    expect(await closing).toBe(1009);
    expect(events.some((e) => e.routeKey === '$default' && e.event.body?.length === 5 * chunk.length)).toBe(false);
  });

  it('closes with 1009 on a frame over 32 KB, as API Gateway does; fragmented messages under 128 KB pass', async () => {
    const fragmented = await connect();
    const chunk = 'y'.repeat(32 * 1024);
    for (let i = 0; i < 3; i++) fragmented.ws.send(chunk, { fin: i === 2 });
    await until(() => fragmented.messages.length === 1);
    expect(fragmented.messages[0]).toBe(`echo:${chunk.repeat(3)}`);
    const { ws } = await connect();
    const closing = closed(ws);
    ws.send('z'.repeat(32 * 1024 + 1));
    expect(await closing).toBe(1009);
  });

  it('drops a connection on the fault switch: the client sees 1006 and $disconnect runs', async () => {
    const { ws, id } = await connect();
    const closing = closed(ws);
    expect(api.dropConnection(id)).toBe(true);
    expect(await closing).toBe(1006);
    await until(() => events.some((e) => e.routeKey === '$disconnect' && e.event.requestContext.connectionId === id));
    const disconnect = events.find((e) => e.routeKey === '$disconnect' && e.event.requestContext.connectionId === id)?.event;
    expect(disconnect?.requestContext).toMatchObject({ eventType: 'DISCONNECT', disconnectStatusCode: 1006 });
    expect(api.connectionIds()).not.toContain(id);
  });

  describe("API Gateway's connection limits, shortened", () => {
    const limited = new WebSocketApi({ stage: 'limits', maxConnectionMs: 600, idleTimeoutMs: 250, invokeRoute: async () => ({ statusCode: 200 }) });
    beforeAll(() => limited.start());
    afterAll(() => limited.stop());

    async function connectLimited(): Promise<WebSocket> {
      const ws = new WebSocket(limited.url);
      open.push(ws);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    }

    const closedWith = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve(`${code} ${reason.toString()}`)));

    it('closes a connection that sends nothing for the idle timeout (1001)', async () => {
      const ws = await connectLimited();
      expect(await closedWith(ws)).toBe('1001 Idle connection timeout');
    });

    it('a client that keeps sending is not idle, but still closed at the maximum duration (1001)', async () => {
      const ws = await connectLimited();
      const keepAlive = setInterval(() => ws.send('{"action":"whoami"}'), 50);
      const closing = await closedWith(ws);
      clearInterval(keepAlive);
      expect(closing).toBe('1001 Connection duration limit');
      await until(() => limited.connectionIds().length === 0);
    });
  });
});
