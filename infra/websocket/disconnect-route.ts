import { DEBUGGER_DISCONNECTED_ERROR_TYPE, answerAttributes } from '../../protocol/index.js';
import type { Answer } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import { sendToQueue } from './fast-path.js';
import type { AnswerStore, PendingRequest, QueueSender, SessionDirectory } from './ports.js';

export interface DisconnectRouteDeps {
  store: AnswerStore;
  sessions: SessionDirectory;
  queues: QueueSender;
  log: Logger;
}

/**
 * `$disconnect`: answers every invocation still waiting on this connection with an error, so the
 * callers learn at once that no debugger will answer (instead of waiting for their timeout),
 * unless the invocation's session has moved to another connection: `plldb debug` replaces its
 * connection before API Gateway's 2-hour limit, records the new one in the session item first
 * and re-points the waiting invocations to it, so their answers still come. The answer goes
 * through the normal path (conditional write, fast path, relay), so an answer the debugger
 * managed to store first still wins. Returns how many invocations were answered.
 */
export async function handleDisconnect(deps: DisconnectRouteDeps, connectionId: string): Promise<number> {
  let pending: PendingRequest[];
  try {
    pending = await deps.store.pendingRequests(connectionId);
  } catch (err) {
    // The runtime still ends these invocations at their deadline.
    deps.log('error', 'disconnect-lookup-failed', { connectionId, error: errorName(err) });
    return 0;
  }
  const orphaned = await withoutLiveSession(deps, connectionId, pending);
  const answer = disconnectedAnswer(connectionId);
  let answered = 0;
  await Promise.all(
    orphaned.map(async ({ requestId }) => {
      try {
        const outcome = await deps.store.storeAnswer(requestId, connectionId, answerAttributes(answer));
        if (outcome.kind !== 'stored') return;
        answered += 1;
        await sendToQueue(deps, requestId, outcome.queue, answer);
      } catch (err) {
        deps.log('error', 'disconnect-answer-failed', { requestId, connectionId, error: errorName(err) });
      }
    }),
  );
  deps.log('info', 'disconnected', { connectionId, pending: pending.length, handedOver: pending.length - orphaned.length, answered });
  return answered;
}

/**
 * The pending invocations whose session has no other live connection: the session item records
 * no connection, or this one. A session whose lookup fails counts as having none (the caller
 * then gets the error at once rather than a timeout).
 */
async function withoutLiveSession(deps: DisconnectRouteDeps, connectionId: string, pending: PendingRequest[]): Promise<PendingRequest[]> {
  const sessionIds = [...new Set(pending.flatMap((p) => (p.sessionId !== undefined ? [p.sessionId] : [])))];
  const current = new Map<string, string | undefined>();
  await Promise.all(
    sessionIds.map(async (sessionId) => {
      try {
        current.set(sessionId, await deps.sessions.currentConnection(sessionId));
      } catch (err) {
        deps.log('error', 'disconnect-session-lookup-failed', { connectionId, sessionId, error: errorName(err) });
      }
    }),
  );
  return pending.filter(({ sessionId }) => {
    const live = sessionId !== undefined ? current.get(sessionId) : undefined;
    return live === undefined || live === connectionId;
  });
}

function disconnectedAnswer(connectionId: string): Answer {
  return {
    kind: 'error',
    statusCode: 500,
    error: {
      errorType: DEBUGGER_DISCONNECTED_ERROR_TYPE,
      errorMessage: `the debugger (WebSocket connection ${connectionId}) disconnected before it answered this invocation; start \`plldb debug\` again and invoke the function again`,
      stackTrace: [],
    },
  };
}
