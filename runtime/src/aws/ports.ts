import type { DeliveredViaValue, Status } from '../../../protocol/index.js';

/** The request table, as the runtime uses it. Items are plain objects (unmarshalled). */
export interface ItemStore {
  put(item: Record<string, unknown>, signal?: AbortSignal): Promise<void>;
  /** Consistent read of the item, or undefined when there is none. */
  get(requestId: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined>;
  markDelivered(requestId: string, via: DeliveredViaValue, at: number): Promise<void>;
  /** Sets TIMED_OUT (or FAILED) only while the item is PENDING; false when the condition failed. */
  finishUnanswered(requestId: string, status: typeof Status.TimedOut | typeof Status.Failed, signal?: AbortSignal): Promise<boolean>;
  /** The connection the session's item records as current, or undefined when it records none. */
  currentConnection(sessionId: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Moves a PENDING item from connection `from` to `to`; false when the item is no longer PENDING on `from`. */
  repoint(requestId: string, from: string, to: string, signal?: AbortSignal): Promise<boolean>;
}

/** The per-invocation queues. */
export interface QueueService {
  /** Creates the queue and returns its URL. */
  create(name: string): Promise<string>;
  /** One long poll; the messages received (possibly none). */
  receive(queueUrl: string, signal: AbortSignal): Promise<ReceivedMessage[]>;
  delete(queueUrl: string): Promise<void>;
}

/** A queue message and who sent it. */
export interface ReceivedMessage {
  body: string;
  /** SQS's SenderId: `{role id}:{session name}` for a role session, a user id for a user. */
  senderId?: string;
}

/** The WebSocket connection to the debugger. */
export interface Notifier {
  /** Throws ConnectionGoneError when the connection no longer exists. */
  post(connectionId: string, data: string, signal?: AbortSignal): Promise<void>;
  /** GetConnection: false when the connection no longer exists (410); sends nothing to the debugger. */
  isConnected(connectionId: string, signal?: AbortSignal): Promise<boolean>;
}

/** Temporary credentials of the debugger role. */
export interface RoleAssumer {
  assume(roleArn: string): Promise<TemporaryCredentials>;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export class ConnectionGoneError extends Error {
  constructor(readonly connectionId: string) {
    super(`WebSocket connection ${connectionId} is gone`);
    this.name = 'ConnectionGoneError';
  }
}

export class QueueMissingError extends Error {
  constructor(queueUrl: string) {
    super(`queue ${queueUrl} does not exist (yet)`);
    this.name = 'QueueMissingError';
  }
}
