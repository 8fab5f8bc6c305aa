import { isUtf8 } from 'node:buffer';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEBSOCKET_MESSAGE_LIMIT_BYTES } from '../../protocol/index.js';
import { HttpService, closeSignal, readBody, send } from '../common/http-service.js';
import { requestId } from '../common/ids.js';
import type { RequestHook } from '../common/request-hook.js';
import { accessKeyOf } from '../common/sigv4.js';
import { SandboxConditions } from '../latency.js';
import { watchFrameSizes } from './frame-size-watch.js';
import { connectEvent, disconnectEvent, gatewayId, messageEvent, type ConnectionContext, type RouteKey } from './events.js';

export type InvokeRoute = (routeKey: RouteKey, event: Record<string, unknown>) => Promise<unknown>;

/** API Gateway WebSocket quotas: "Connection duration for WebSocket API: 2 hours" (cannot be increased). */
export const MAX_CONNECTION_MS = 2 * 60 * 60_000;
/** API Gateway WebSocket quotas: "Idle Connection Timeout: 10 minutes" (cannot be increased). */
export const IDLE_TIMEOUT_MS = 10 * 60_000;
/** Close code the sandbox uses when it ends a connection for its duration or idleness (going away). */
const GOING_AWAY = 1001;

export interface WebSocketApiOptions {
  /** Runs a route's handler (the lead wires it to the project's route handlers). */
  invokeRoute: InvokeRoute;
  stage?: string;
  apiId?: string;
  /** `requestContext.domainName`; default `127.0.0.1:{port}`. */
  domainName?: string;
  /** Routes with a route response: the handler's `body` goes back to the client (default none). */
  twoWayRoutes?: readonly RouteKey[];
  /** API Gateway's frame limit (32 KB): a bigger frame closes the connection with 1009. */
  maxFrameBytes?: number;
  /** Shared latency switch (management API calls). */
  conditions?: SandboxConditions;
  port?: number;
  /** Told about every management API request (PostToConnection, GetConnection, DeleteConnection). */
  onRequest?: RequestHook;
  /** A connection is closed this long after it opened (default API Gateway's 2 hours; tests shorten it). */
  maxConnectionMs?: number;
  /** A connection that sends no message for this long is closed (default API Gateway's 10 minutes). */
  idleTimeoutMs?: number;
}

interface Connection {
  ctx: ConnectionContext;
  ws: WebSocket;
  lastActiveAt: number;
  closing: boolean;
  /** The duration limit and the idle timeout. */
  limits: NodeJS.Timeout[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const MANAGEMENT_OPERATIONS: Record<string, string> = { POST: 'PostToConnection', GET: 'GetConnection', DELETE: 'DeleteConnection' };

/**
 * API Gateway WebSocket API on one port: clients connect to `ws://127.0.0.1:{port}/{stage}`
 * (any query string), routes run through `invokeRoute` with API Gateway's event shapes, and the
 * management API answers `POST|GET|DELETE /{stage}/@connections/{id}` (`managementEndpoint`).
 */
export class WebSocketApi {
  readonly conditions: SandboxConditions;
  readonly stage: string;
  readonly apiId: string;
  private readonly http: HttpService;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: WEBSOCKET_MESSAGE_LIMIT_BYTES, perMessageDeflate: false });
  private readonly connections = new Map<string, Connection>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: WebSocketApiOptions) {
    this.conditions = options.conditions ?? new SandboxConditions();
    this.stage = options.stage ?? 'dev';
    this.apiId = options.apiId ?? gatewayId().slice(0, 10).toLowerCase();
    this.http = new HttpService((req, res) => this.manage(req, res), options.port);
    this.http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.track(this.upgrade(req, socket, head));
    });
  }

  /** `ws://127.0.0.1:{port}/{stage}`: where clients connect. */
  get url(): string {
    return `${this.http.endpoint.replace(/^http/, 'ws')}/${this.stage}`;
  }

  /** `http://127.0.0.1:{port}/{stage}`: the management API endpoint (DEBUGGER_WEBSOCKET_API_ENDPOINT). */
  get managementEndpoint(): string {
    return `${this.http.endpoint}/${this.stage}`;
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  /** Closes every connection (running `$disconnect`), waits for running handlers, closes the port. */
  async stop(): Promise<void> {
    for (const connection of this.connections.values()) connection.ws.terminate();
    await this.http.stop();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.wss.close();
  }

  connectionIds(): string[] {
    return [...this.connections.keys()];
  }

  /** Fault switch: cuts the connection without a close frame (the client sees 1006). */
  dropConnection(connectionId: string): boolean {
    const connection = this.connections.get(connectionId);
    connection?.ws.terminate();
    return connection !== undefined;
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== `/${this.stage}`) {
      rejectUpgrade(socket, 403, { message: 'Forbidden' });
      return;
    }
    const ctx: ConnectionContext = {
      connectionId: gatewayId(),
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      stage: this.stage,
      apiId: this.apiId,
      domainName: this.options.domainName ?? new URL(this.http.endpoint).host,
    };
    let status: number;
    try {
      const result = await this.options.invokeRoute('$connect', connectEvent(ctx, req.rawHeaders, url.searchParams));
      status = statusOf(result) ?? 200;
    } catch {
      status = 500;
    }
    if (status >= 400 || socket.destroyed) {
      rejectUpgrade(socket, status, { message: status === 500 ? 'Internal server error' : 'Forbidden' });
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket, ctx));
  }

  private accept(ws: WebSocket, socket: Duplex, ctx: ConnectionContext): void {
    const connection: Connection = { ctx, ws, lastActiveAt: Date.now(), closing: false, limits: [] };
    this.connections.set(ctx.connectionId, connection);
    const goAway = (reason: string) => () => {
      connection.closing = true;
      ws.close(GOING_AWAY, reason);
    };
    const idleMs = this.options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    const idle = setTimeout(goAway('Idle connection timeout'), idleMs).unref();
    connection.limits.push(setTimeout(goAway('Connection duration limit'), this.options.maxConnectionMs ?? MAX_CONNECTION_MS).unref(), idle);
    watchFrameSizes(socket, this.options.maxFrameBytes ?? 32 * 1024, () => {
      connection.closing = true;
      ws.close(1009, 'Message too big');
    });
    ws.on('error', () => {
      // ws closes the connection itself (1009 for a message over maxPayload); 'close' follows.
      connection.closing = true;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (connection.closing) return;
      connection.lastActiveAt = Date.now();
      // Only the client's messages count as activity, so a client must keep itself alive.
      idle.refresh();
      this.track(this.route(connection, data, isBinary));
    });
    ws.on('close', (code: number, reason: Buffer) => {
      connection.closing = true;
      for (const timer of connection.limits) clearTimeout(timer);
      this.connections.delete(ctx.connectionId);
      const event = disconnectEvent(ctx, code, reason.toString('utf8') || disconnectReason(code));
      this.track(this.options.invokeRoute('$disconnect', event).catch(() => undefined));
    });
  }

  private async route(connection: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    const event = messageEvent(connection.ctx, data, isBinary);
    const context = event.requestContext as { requestId: string };
    let reply: string | undefined;
    try {
      const result = await this.options.invokeRoute('$default', event);
      if (this.options.twoWayRoutes?.includes('$default')) reply = bodyOf(result);
    } catch {
      reply = JSON.stringify({ message: 'Internal server error', connectionId: connection.ctx.connectionId, requestId: context.requestId });
    }
    if (reply !== undefined && !connection.closing) connection.ws.send(reply);
  }

  /** The management API: `/{stage}/@connections/{connectionId}`. */
  private async manage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = MANAGEMENT_OPERATIONS[req.method ?? ''] ?? req.method ?? '';
    const match = /^\/([^/]+)\/@connections\/([^/?]+)$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    this.options.onRequest?.({ service: 'ApiGatewayManagementApi', operation, accessKeyId: accessKeyOf(req), ...(match ? { resource: decodeURIComponent(match[2] as string) } : {}) });
    await this.conditions.delayCall(closeSignal(res));
    if (!match || decodeURIComponent(match[1] as string) !== this.stage) {
      apiError(res, 403, 'ForbiddenException', 'Forbidden');
      return;
    }
    const connectionId = decodeURIComponent(match[2] as string);
    const connection = this.connections.get(connectionId);
    if (!connection || connection.closing) {
      apiError(res, 410, 'GoneException', `The connection ${connectionId} is gone.`);
      return;
    }
    if (req.method === 'GET') {
      const info = {
        connectedAt: new Date(connection.ctx.connectedAt).toISOString(),
        identity: { sourceIp: connection.ctx.sourceIp, userAgent: connection.ctx.userAgent ?? '' },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      };
      send(res, 200, { ...JSON_HEADERS, 'x-amzn-requestid': requestId() }, JSON.stringify(info));
    } else if (req.method === 'DELETE') {
      connection.closing = true;
      connection.ws.close(1000, 'Goodbye');
      send(res, 204, { 'x-amzn-requestid': requestId() });
    } else if (req.method === 'POST') {
      if (body.length > WEBSOCKET_MESSAGE_LIMIT_BYTES) {
        apiError(res, 413, 'PayloadTooLargeException', `The message is ${body.length} bytes; the limit is ${WEBSOCKET_MESSAGE_LIMIT_BYTES}.`);
        return;
      }
      const sent = await new Promise<boolean>((resolve) => connection.ws.send(body, { binary: !isUtf8(body) }, (error) => resolve(!error)));
      if (!sent) apiError(res, 410, 'GoneException', `The connection ${connectionId} is gone.`);
      else send(res, 200, { 'x-amzn-requestid': requestId() });
    } else {
      apiError(res, 400, 'BadRequestException', `${req.method} is not a management API method: use POST, GET or DELETE.`);
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

function apiError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { ...JSON_HEADERS, 'x-amzn-errortype': type, 'x-amzn-requestid': requestId() }, JSON.stringify({ message }));
}

function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function statusOf(result: unknown): number | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const code = (result as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

function bodyOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  if (typeof result !== 'object' || result === null) return undefined;
  const body = (result as { body?: unknown }).body;
  return typeof body === 'string' ? body : undefined;
}

function disconnectReason(code: number): string {
  if (code === 1005) return 'Client-side close frame status not set';
  if (code === 1006) return 'Connection closed abnormally';
  return '';
}
