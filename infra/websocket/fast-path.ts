import { queueMessageFor } from '../../protocol/index.js';
import type { Answer } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import type { QueueRef, QueueSender } from './ports.js';

/**
 * Sends a stored answer straight to the invocation's queue (a pointer when it does not fit a
 * queue message). Failures are only logged: the stream relay delivers every stored answer too.
 */
export async function sendToQueue(deps: { queues: QueueSender; log: Logger }, requestId: string, queue: QueueRef | undefined, answer: Answer): Promise<void> {
  if (queue === undefined) {
    deps.log('warn', 'fast-path-skipped', { requestId, reason: 'item has no queue' });
    return;
  }
  const message = queueMessageFor(requestId, answer);
  try {
    await deps.queues.send(queue, message.body);
    deps.log('info', 'fast-path-sent', { requestId, pointer: message.type === 'pointer' });
  } catch (err) {
    deps.log('warn', 'fast-path-failed', { requestId, error: errorName(err) });
  }
}
