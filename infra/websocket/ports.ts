import type { ApiReply } from '../../protocol/index.js';

/** Where an invocation's queue is: the item records its URL or (usually) its name. */
export interface QueueRef {
  url?: string;
  name?: string;
}

/** What the item looked like when a conditional write was refused (undefined: no such item). */
export interface CurrentItem {
  connectionId?: string;
  status?: string;
}

export type StoreOutcome =
  | { kind: 'stored'; queue: QueueRef | undefined }
  | { kind: 'refused'; current: CurrentItem | undefined }
  /** DynamoDB refused the write because the item would pass its size limit; nothing was stored. */
  | { kind: 'too-large'; answerBytes: number; itemBytes: number };

/** The request table, as far as the `$default` route needs it. */
export interface AnswerStore {
  /**
   * Writes the answer attributes and Status RESPONDED only if the item exists, belongs to
   * `connectionId` and is still PENDING; otherwise changes nothing and says what the item is
   * (or, when the answer does not fit the item, both sizes).
   */
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
