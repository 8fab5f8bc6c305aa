import { DEBUGGER_DISCONNECTED_ERROR_TYPE, answerAttributes } from '../../protocol/index.js';
import type { Answer } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import { sendToQueue } from './fast-path.js';
import type { AnswerStore, QueueSender } from './ports.js';

export interface DisconnectRouteDeps {
  store: AnswerStore;
  queues: QueueSender;
  log: Logger;
}

/**
 * `$disconnect`: answers every invocation still waiting on this connection with an error, so the
 * callers learn at once that no debugger will answer (instead of waiting for their timeout). The
 * answer goes through the normal path (conditional write, fast path, relay), so an answer the
 * debugger managed to store first still wins. Returns how many invocations were answered.
 */
export async function handleDisconnect(deps: DisconnectRouteDeps, connectionId: string): Promise<number> {
  let pending: string[];
  try {
    pending = await deps.store.pendingRequestIds(connectionId);
  } catch (err) {
    // The runtime still ends these invocations at their deadline.
    deps.log('error', 'disconnect-lookup-failed', { connectionId, error: errorName(err) });
    return 0;
  }
  const answer = disconnectedAnswer(connectionId);
  let answered = 0;
  await Promise.all(
    pending.map(async (requestId) => {
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
  deps.log('info', 'disconnected', { connectionId, pending: pending.length, answered });
  return answered;
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
