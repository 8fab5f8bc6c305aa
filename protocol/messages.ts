import type { Answer, LambdaError } from './answer.js';
import { parseError } from './answer.js';
import type { InvocationContextData } from './item.js';
import { QUEUE_MAX_MESSAGE_BYTES } from './constants.js';
import { ProtocolError } from './errors.js';

/** Runtime -> debugger (PostToConnection). A superset of the original DebuggerRequest. */
export interface DebuggerRequestMessage {
  type: 'request';
  requestId: string;
  sessionId: string;
  connectionId: string;
  lambdaFunctionName: string;
  lambdaFunctionVersion: string;
  /** The event as a JSON string; absent when `eventInline` is false (read `Request` from the item). */
  event?: string;
  eventInline: boolean;
  environmentVariables: Record<string, string>;
  invokedFunctionArn: string;
  deadlineMs: number;
  handler: string;
  runtime: string;
  context: InvocationContextData;
  /** Observe mode: a copy of an invocation the deployed code answers; the debugger's answer is ignored. */
  observation?: true;
  /** The invocation's tenant (tenant isolation), also in `context`; absent for other functions. */
  tenantId?: string;
}

/** Debugger -> API (`$default`): an answer. A superset of the original DebuggerResponse. */
export interface DebuggerResponseMessage {
  action: 'response';
  requestId: string;
  statusCode: number;
  /** The handler's result as serialized JSON; returned to the caller byte for byte. */
  response?: string;
  /** Set for a handler error: the message, or a JSON LambdaError. */
  errorMessage?: string;
  errorType?: string;
  stackTrace?: string[];
}

export interface WhoAmIMessage {
  action: 'whoami';
}

export type DebuggerMessage = DebuggerResponseMessage | WhoAmIMessage;

/** API -> debugger replies to `$default` messages. */
export type ApiReply =
  | { type: 'whoami'; connectionId: string }
  | { type: 'response-accepted'; requestId: string }
  /** `retry`: nothing was stored because of a passing failure; send the same answer again. */
  | { type: 'error'; requestId?: string; message: string; retry?: true };

/** What the relay and the `$default` fast path put on the invocation's queue. */
export type QueueMessage =
  | { type: 'answer'; requestId: string; answer: Answer }
  /** The answer did not fit a queue message: read it from the item. */
  | { type: 'pointer'; requestId: string };

/** Parses a `$default` message; throws ProtocolError saying what is wrong. */
export function parseDebuggerMessage(body: string | undefined): DebuggerMessage {
  if (body === undefined || body === '') throw new ProtocolError('empty message: send JSON such as {"action":"whoami"}');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ProtocolError('message is not JSON: send {"action":"response","requestId":...} or {"action":"whoami"}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('message must be a JSON object with an "action"');
  }
  const msg = value as Record<string, unknown>;
  const action = msg.action ?? (msg.requestId !== undefined ? 'response' : undefined);
  if (action === 'whoami') return { action: 'whoami' };
  if (action !== 'response') {
    throw new ProtocolError(`unknown action ${JSON.stringify(msg.action)}: expected "response" or "whoami"`);
  }
  if (typeof msg.requestId !== 'string' || msg.requestId === '') {
    throw new ProtocolError('response message needs "requestId" (a non-empty string)');
  }
  const statusCode = msg.statusCode ?? (msg.errorMessage !== undefined ? 500 : 200);
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) {
    throw new ProtocolError(`"statusCode" must be an integer, got ${JSON.stringify(msg.statusCode)}`);
  }
  if (msg.response !== undefined && typeof msg.response !== 'string') {
    throw new ProtocolError('"response" must be the handler result serialized as a JSON string');
  }
  if (msg.errorMessage !== undefined && typeof msg.errorMessage !== 'string') {
    throw new ProtocolError('"errorMessage" must be a string');
  }
  if (msg.errorType !== undefined && typeof msg.errorType !== 'string') {
    throw new ProtocolError('"errorType" must be a string');
  }
  if (msg.stackTrace !== undefined && !(Array.isArray(msg.stackTrace) && msg.stackTrace.every((l) => typeof l === 'string'))) {
    throw new ProtocolError('"stackTrace" must be an array of strings');
  }
  if (msg.response === undefined && msg.errorMessage === undefined) {
    throw new ProtocolError('response message needs "response" (a JSON string) or "errorMessage"');
  }
  return {
    action: 'response',
    requestId: msg.requestId,
    statusCode,
    ...(msg.response !== undefined ? { response: msg.response } : {}),
    ...(msg.errorMessage !== undefined ? { errorMessage: msg.errorMessage } : {}),
    ...(msg.errorType !== undefined ? { errorType: msg.errorType } : {}),
    ...(msg.stackTrace !== undefined ? { stackTrace: msg.stackTrace as string[] } : {}),
  };
}

/** The answer a response message carries. */
export function answerFromMessage(msg: DebuggerResponseMessage): Answer {
  if (msg.errorMessage !== undefined) {
    const error: LambdaError =
      msg.errorType !== undefined
        ? { errorMessage: msg.errorMessage, errorType: msg.errorType, stackTrace: msg.stackTrace ?? [] }
        : parseError(msg.errorMessage);
    return { kind: 'error', statusCode: msg.statusCode, error };
  }
  return { kind: 'response', statusCode: msg.statusCode, body: msg.response ?? 'null' };
}

export function encodeQueueMessage(message: QueueMessage): string {
  return JSON.stringify(message);
}

/** A queue message, encoded once: the body to send and which kind it is. */
export interface EncodedQueueMessage {
  type: QueueMessage['type'];
  body: string;
}

/**
 * What the relay and the `$default` fast path send to an invocation's queue: the answer inline
 * when the message fits QUEUE_MAX_MESSAGE_BYTES, else (or without an answer) a pointer to the item.
 */
export function queueMessageFor(requestId: string, answer?: Answer): EncodedQueueMessage {
  if (answer !== undefined) {
    const body = encodeQueueMessage({ type: 'answer', requestId, answer });
    if (Buffer.byteLength(body, 'utf8') <= QUEUE_MAX_MESSAGE_BYTES) return { type: 'answer', body };
  }
  return { type: 'pointer', body: encodeQueueMessage({ type: 'pointer', requestId }) };
}

/** Parses a queue message; throws ProtocolError when it is not one of ours. */
export function decodeQueueMessage(body: string | undefined): QueueMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    throw new ProtocolError('queue message is not JSON');
  }
  const msg = value as Partial<Record<string, unknown>> | null;
  if (typeof msg !== 'object' || msg === null || typeof msg.requestId !== 'string') {
    throw new ProtocolError('queue message has no requestId');
  }
  if (msg.type === 'pointer') return { type: 'pointer', requestId: msg.requestId };
  const answer = msg.answer as Answer | undefined;
  if (msg.type === 'answer' && answer && (answer.kind === 'response' ? typeof answer.body === 'string' : answer.kind === 'error' && typeof answer.error === 'object')) {
    return { type: 'answer', requestId: msg.requestId, answer };
  }
  throw new ProtocolError(`queue message of unknown type ${JSON.stringify(msg.type)}`);
}
