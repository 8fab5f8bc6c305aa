import type { ConnectionState, ConnectionStatusApi } from '../aws/connection-status-api.js';
import type { SessionDirectory } from '../aws/session-directory.js';

export interface SessionConnectionQuery {
  /** The WebSocket API's management endpoint. */
  endpoint: string;
  /** The request table, where the session item records the session's current connection. */
  tableName: string;
  sessionId: string;
  /** The connection recorded on the function at attach. */
  connectionId: string;
}

/**
 * Whether the session holding a function is still connected. A session outlives its connections
 * (`plldb debug` replaces its connection before API Gateway's 2-hour limit without updating the
 * function), so when the connection recorded at attach is closed, the one the session item names
 * now decides. A session item that cannot be read leaves the recorded connection's state.
 */
export async function sessionConnectionState(connections: ConnectionStatusApi, sessions: SessionDirectory | undefined, query: SessionConnectionQuery): Promise<{ connectionId: string; state: ConnectionState }> {
  const recorded = await connections.state(query.endpoint, query.connectionId);
  if (recorded.state !== 'gone' || sessions === undefined || query.sessionId === '') return { connectionId: query.connectionId, state: recorded };
  const current = await sessions.currentConnection(query.tableName, query.sessionId).catch(() => undefined);
  if (current === undefined || current === query.connectionId) return { connectionId: query.connectionId, state: recorded };
  return { connectionId: current, state: await connections.state(query.endpoint, current) };
}
