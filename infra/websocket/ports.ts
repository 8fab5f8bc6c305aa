import type { ApiReply } from '../../protocol/index.js';

/** Where an invocation's queue is: its URL when known, else its name (the item records the name). */
export interface QueueRef {
  url?: string;
  name?: string;
}

/** What the item looked like when a conditional write was refused (undefined: no such item). */
export interface CurrentItem {
  connectionId?: string;
  status?: string;
}

export type StoreOutcome = { kind: 'stored'; queue: QueueRef | undefined } | { kind: 'refused'; current: CurrentItem | undefined };

/** The request table, as far as the `$default` route needs it. */
export interface AnswerStore {
  /**
   * Writes the answer attributes and Status RESPONDED only if the item exists, belongs to
   * `connectionId` and is still PENDING; otherwise changes nothing and says what the item is.
   */
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
