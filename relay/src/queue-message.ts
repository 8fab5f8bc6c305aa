import type { Answer, QueueMessage } from '../../protocol/index.js';
import { QUEUE_MAX_MESSAGE_BYTES, encodeQueueMessage } from '../../protocol/index.js';

/** The answer inline when its encoded message fits a queue message, else a pointer to the item. */
export function queueMessageFor(requestId: string, answer: Answer): QueueMessage {
  const inline: QueueMessage = { type: 'answer', requestId, answer };
  return Buffer.byteLength(encodeQueueMessage(inline), 'utf8') <= QUEUE_MAX_MESSAGE_BYTES ? inline : pointerTo(requestId);
}

export function pointerTo(requestId: string): QueueMessage {
  return { type: 'pointer', requestId };
}
