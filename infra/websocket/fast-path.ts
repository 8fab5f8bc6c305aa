import { QUEUE_MAX_MESSAGE_BYTES, encodeQueueMessage } from '../../protocol/index.js';
import type { QueueMessage } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import type { QueueRef, QueueSender } from './ports.js';

/**
 * Sends a stored answer straight to the invocation's queue (a pointer when it does not fit a
 * queue message). Failures are only logged: the stream relay delivers every stored answer too.
 */
export async function sendToQueue(deps: { queues: QueueSender; log: Logger }, requestId: string, queue: QueueRef | undefined, inline: QueueMessage): Promise<void> {
  if (queue === undefined) {
    deps.log('warn', 'fast-path-skipped', { requestId, reason: 'item has no queue' });
    return;
  }
  const encoded = encodeQueueMessage(inline);
  const body = Buffer.byteLength(encoded) <= QUEUE_MAX_MESSAGE_BYTES ? encoded : encodeQueueMessage({ type: 'pointer', requestId });
  try {
    await deps.queues.send(queue, body);
    deps.log('info', 'fast-path-sent', { requestId, pointer: body !== encoded });
  } catch (err) {
    deps.log('warn', 'fast-path-failed', { requestId, error: errorName(err) });
  }
}
