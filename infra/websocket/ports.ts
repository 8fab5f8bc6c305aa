import type { ApiReply } from '../../protocol/index.js';
import type { QueueRef, StoreOutcome } from '../../protocol/answer-write.js';

export type { CurrentItem, QueueRef, StoreOutcome } from '../../protocol/answer-write.js';

/** The request table, as far as the `$default` route needs it. */
export interface AnswerStore {
  /** The shared conditional answer write (protocol/answer-write.ts): stored, refused with what the item is, or too large with both sizes. */
  storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome>;
  /** The connection's invocations that are still PENDING (GSI-ConnectionId), with their session. */
  pendingRequests(connectionId: string): Promise<PendingRequest[]>;
}

export interface PendingRequest {
  requestId: string;
  sessionId?: string;
}

/** The sessions' current connections (the session items). */
export interface SessionDirectory {
  /** The connection the session's debugger uses now, or undefined when the session has none recorded. */
  currentConnection(sessionId: string): Promise<string | undefined>;
}

/** Sends one message to an invocation's queue. */
export interface QueueSender {
  send(queue: QueueRef, body: string): Promise<void>;
}

/** Replies to a WebSocket connection (PostToConnection). */
export interface ConnectionReplier {
  reply(connectionId: string, reply: ApiReply): Promise<void>;
}
