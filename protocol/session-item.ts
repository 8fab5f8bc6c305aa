import { Attr } from './constants.js';

/**
 * A debugging session outlives its WebSocket connections (API Gateway closes each one after at
 * most 2 hours), so the session's current connection lives in the request table, in one item per
 * session: `RequestId` = `SESSION#<sessionId>`, `CurrentConnectionId` (S), `CreatedAt` (N, epoch
 * ms of the switch) and `ExpiresAt` (N, TTL). The item has no `SessionId`, `ConnectionId` or
 * `Status`, so it stays out of both indexes and of every PENDING query. `plldb debug` writes it;
 * the runtime reads it when its connection is gone (410), `$disconnect` when a connection closes.
 */
export const SESSION_ITEM_PREFIX = 'SESSION#';

/** How long the session item outlives its last write; `plldb debug` rewrites it at least every 2 hours. */
export const SESSION_ITEM_TTL_SECONDS = 24 * 3600;

/** The `RequestId` of a session's item (request ids are Lambda's UUIDs, so they never collide). */
export function sessionItemKey(sessionId: string): string {
  return `${SESSION_ITEM_PREFIX}${sessionId}`;
}

/** The session item recording `connectionId` as the session's current connection (plain object). */
export function sessionItem(sessionId: string, connectionId: string, nowMs: number): Record<string, string | number> {
  return {
    [Attr.RequestId]: sessionItemKey(sessionId),
    [Attr.CurrentConnectionId]: connectionId,
    [Attr.CreatedAt]: Math.round(nowMs),
    [Attr.ExpiresAt]: Math.floor(nowMs / 1000) + SESSION_ITEM_TTL_SECONDS,
  };
}

/** The current connection a (plain) session item records, or undefined. */
export function currentConnectionOf(item: Record<string, unknown> | undefined): string | undefined {
  const id = item?.[Attr.CurrentConnectionId];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The GetItem input that reads a session's current connection, in DynamoDB's JSON: consistent
 * (the debugger records its new connection just before it closes the old one), that attribute only.
 */
export function currentConnectionRequest(tableName: string, sessionId: string) {
  return {
    TableName: tableName,
    Key: { [Attr.RequestId]: { S: sessionItemKey(sessionId) } },
    ConsistentRead: true,
    ProjectionExpression: '#cur',
    ExpressionAttributeNames: { '#cur': Attr.CurrentConnectionId },
  };
}

/** The current connection in a GetItem answer to currentConnectionRequest (DynamoDB JSON), or undefined. */
export function currentConnectionIn(item: Record<string, { S?: string }> | undefined): string | undefined {
  return currentConnectionOf(item ? { [Attr.CurrentConnectionId]: item[Attr.CurrentConnectionId]?.S } : undefined);
}
