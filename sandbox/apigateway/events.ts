import { randomBytes } from 'node:crypto';

/** The identity and addressing every API Gateway WebSocket event carries. */
export interface ConnectionContext {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent?: string;
  stage: string;
  apiId: string;
  domainName: string;
}

export type RouteKey = '$connect' | '$disconnect' | '$default';

/** An id in API Gateway's style: base64-looking letters and digits ending in '='. */
export function gatewayId(): string {
  return `${randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 15)}=`;
}

/** `requestTime` as API Gateway writes it: `24/Nov/2026:10:08:16 +0000`. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function requestContext(ctx: ConnectionContext, routeKey: RouteKey, eventType: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  const id = gatewayId();
  return {
    routeKey,
    ...extra,
    eventType,
    extendedRequestId: id,
    requestTime: requestTime(now),
    messageDirection: 'IN',
    stage: ctx.stage,
    connectedAt: ctx.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: ctx.sourceIp, ...(ctx.userAgent ? { userAgent: ctx.userAgent } : {}) },
    requestId: id,
    domainName: ctx.domainName,
    connectionId: ctx.connectionId,
    apiId: ctx.apiId,
  };
}

/** `$connect`: the upgrade request's headers and query string. */
export function connectEvent(ctx: ConnectionContext, rawHeaders: string[], query: URLSearchParams): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const [name, value] = [rawHeaders[i] as string, rawHeaders[i + 1] as string];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const hasQuery = [...query.keys()].length > 0;
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of query) {
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  return {
    headers,
    multiValueHeaders,
    ...(hasQuery ? { queryStringParameters, multiValueQueryStringParameters } : {}),
    requestContext: requestContext(ctx, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

/** A client message; binary frames arrive base64-encoded. */
export function messageEvent(ctx: ConnectionContext, data: Buffer, isBinary: boolean): Record<string, unknown> {
  return {
    requestContext: requestContext(ctx, '$default', 'MESSAGE', { messageId: gatewayId() }),
    body: isBinary ? data.toString('base64') : data.toString('utf8'),
    isBase64Encoded: isBinary,
  };
}

export function disconnectEvent(ctx: ConnectionContext, code: number, reason: string): Record<string, unknown> {
  return {
    headers: { Host: ctx.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: { Host: [ctx.domainName], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] },
    requestContext: requestContext(ctx, '$disconnect', 'DISCONNECT', { disconnectStatusCode: code, disconnectReason: reason }),
    isBase64Encoded: false,
  };
}
