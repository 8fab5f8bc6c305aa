import { DEFAULT_TABLE_NAME, Env } from '../../../protocol/index.js';
import type { ConnectionStatusApi } from '../aws/connection-status-api.js';
import type { FunctionConfigApi } from '../aws/function-config-api.js';
import type { SessionDirectory } from '../aws/session-directory.js';
import { attachmentOf } from './attacher.js';
import type { IsPlldbLayer } from './change-set.js';
import { sessionConnectionState } from './session-liveness.js';

/** One function of the region that carries PLLDB, as `plldb status` reports it. */
export interface AttachmentStatus {
  functionName: string;
  functionArn: string;
  runtime: string;
  /** Empty when the function carries only PLLDB's layer (no record, no wrapper). */
  sessionId: string;
  connectionId: string;
  /** `closed`: API Gateway says the connection is gone; `unknown`: it would not say (the reason follows). */
  connection: 'connected' | 'closed' | 'unknown' | 'none';
  connectionNote?: string;
  attachedAt: string;
  timeout: number;
  /** Set when PLLDB changed the timeout: the one detach restores. */
  timeoutBefore?: number;
}

/** Every function of the region carrying PLLDB (its record, its wrapper or one of its layers), with its owner's connection state. */
export async function listAttachments(functions: FunctionConfigApi, connections: ConnectionStatusApi, isPlldbLayer: IsPlldbLayer, sessions?: SessionDirectory): Promise<AttachmentStatus[]> {
  const carrying = (await functions.list()).filter((fn) => attachmentOf(fn) !== undefined || fn.layers.some(isPlldbLayer));
  return Promise.all(
    carrying.map(async (fn): Promise<AttachmentStatus> => {
      const record = attachmentOf(fn);
      const endpoint = fn.environment?.[Env.WebSocketApiEndpoint];
      const tableName = fn.environment?.[Env.TableName] ?? DEFAULT_TABLE_NAME;
      const live =
        record?.connectionId && endpoint ? await sessionConnectionState(connections, sessions, { endpoint, tableName, sessionId: record.sessionId, connectionId: record.connectionId }) : undefined;
      const state = live?.state;
      return {
        functionName: fn.name,
        functionArn: fn.arn,
        runtime: fn.runtime ?? '',
        sessionId: record?.sessionId ?? '',
        // The session's connection now (it replaces its connection without updating the function).
        connectionId: live?.connectionId ?? record?.connectionId ?? '',
        connection: state === undefined ? 'none' : state.state === 'gone' ? 'closed' : state.state,
        ...(state?.state === 'unknown' ? { connectionNote: state.reason } : {}),
        attachedAt: record?.attachedAt ?? '',
        timeout: fn.timeout,
        ...(record?.timeout && fn.timeout === record.timeout.set ? { timeoutBefore: record.timeout.before } : {}),
      };
    }),
  );
}
