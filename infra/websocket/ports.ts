import type { ApiReply } from '../../protocol/index.js';
import type { QueueRef, StoreOutcome } from '../../protocol/answer-write.js';

export type { CurrentItem, QueueRef, StoreOutcome } from '../../protocol/answer-write.js';

/** The request table, as far as the `$default` route needs it. */
export interface AnswerStore {
  /** The shared conditional answer write (protocol/answer-write.ts): stored, or refused with what the item is. */
  storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome>;
  /** Request ids of the connection's invocations that are still PENDING (GSI-ConnectionId). */
  pendingRequestIds(connectionId: string): Promise<string[]>;
}

/** Sends one message to an invocation's queue. */
export interface QueueSender {
  send(queue: QueueRef, body: string): Promise<void>;
}

/** Replies to a WebSocket connection (PostToConnection). */
export interface ConnectionReplier {
  reply(connectionId: string, reply: ApiReply): Promise<void>;
}
