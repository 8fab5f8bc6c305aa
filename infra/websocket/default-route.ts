import { ProtocolError, Status, answerAttributes, answerFromMessage, parseDebuggerMessage, resultTooLargeError } from '../../protocol/index.js';
import type { Answer } from '../../protocol/index.js';
import type { ApiReply, DebuggerResponseMessage } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import { sendToQueue } from './fast-path.js';
import type { AnswerStore, ConnectionReplier, CurrentItem, QueueSender } from './ports.js';

export interface DefaultRouteDeps {
  store: AnswerStore;
  queues: QueueSender;
  replier: ConnectionReplier;
  log: Logger;
}

export interface DefaultRouteInput {
  connectionId: string;
  body: string | undefined;
}

/** What the route decided: the reply to the sender, and the fast-path send it started (never rejects). */
interface Decision {
  reply: ApiReply;
  forwarding?: Promise<void>;
}

/**
 * Handles one `$default` message and replies to its sender; returns the reply it sent. The reply
 * goes out beside the fast-path SendMessage, never before it: the waiting caller is on the send's
 * path, the debugger's acknowledgement is not.
 */
export async function handleDefaultRoute(deps: DefaultRouteDeps, input: DefaultRouteInput): Promise<ApiReply> {
  const { reply, forwarding } = await decide(deps, input);
  // The SDK signs and writes the SendMessage in promise callbacks: starting the reply on the next
  // turn of the event loop keeps its signing and serializing from interleaving with the send's.
  const replied = forwarding === undefined ? replyTo(deps, input.connectionId, reply) : nextTurn().then(() => replyTo(deps, input.connectionId, reply));
  await Promise.all([forwarding, replied]);
  return reply;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function replyTo(deps: DefaultRouteDeps, connectionId: string, reply: ApiReply): Promise<void> {
  try {
    await deps.replier.reply(connectionId, reply);
  } catch (err) {
    // The sender may have gone; what was stored stays stored.
    deps.log('warn', 'reply-failed', { connectionId, replyType: reply.type, error: errorName(err) });
  }
}

async function decide(deps: DefaultRouteDeps, { connectionId, body }: DefaultRouteInput): Promise<Decision> {
  let message;
  try {
    message = parseDebuggerMessage(body);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    const requestId = requestIdOf(body);
    deps.log('warn', 'message-malformed', { connectionId, requestId, reason: err.message });
    return { reply: { type: 'error', ...(requestId !== undefined ? { requestId } : {}), message: err.message } };
  }
  if (message.action === 'whoami') return { reply: { type: 'whoami', connectionId } };
  return storeAndForward(deps, connectionId, message);
}

async function storeAndForward(deps: DefaultRouteDeps, connectionId: string, message: DebuggerResponseMessage): Promise<Decision> {
  const { requestId } = message;
  const answer = answerFromMessage(message);
  let outcome;
  try {
    outcome = await deps.store.storeAnswer(requestId, connectionId, answerAttributes(answer));
  } catch (err) {
    deps.log('error', 'answer-store-failed', { requestId, connectionId, error: errorName(err) });
    return { reply: { type: 'error', requestId, message: `could not store the answer (${errorName(err)}); nothing was stored, send it again`, retry: true } };
  }
  if (outcome.kind === 'too-large') return failTooLarge(deps, connectionId, requestId, outcome.answerBytes, outcome.itemBytes);
  if (outcome.kind === 'refused') {
    const reason = refusalReason(requestId, connectionId, outcome.current);
    deps.log('warn', 'answer-refused', { requestId, connectionId, status: outcome.current?.status });
    // Still PENDING and ours: the item changed under the write, so the same answer may succeed now.
    const retry = outcome.current?.status === Status.Pending && outcome.current.connectionId === connectionId;
    return { reply: { type: 'error', requestId, message: reason, ...(retry ? { retry: true as const } : {}) } };
  }
  deps.log('info', 'answer-stored', { requestId, connectionId, kind: answer.kind });
  return { reply: { type: 'response-accepted', requestId }, forwarding: sendToQueue(deps, requestId, outcome.queue, answer) };
}

/**
 * An answer the item cannot hold will not fit however often it is sent: the invocation gets
 * PLLDB.ResultTooLarge at once (stored and forwarded like any answer) and the debugger is told why, without a retry.
 */
async function failTooLarge(deps: DefaultRouteDeps, connectionId: string, requestId: string, answerBytes: number, itemBytes: number): Promise<Decision> {
  const error = resultTooLargeError(answerBytes, itemBytes);
  deps.log('warn', 'answer-too-large', { requestId, connectionId, answerBytes, itemBytes });
  const answer: Answer = { kind: 'error', statusCode: 500, error };
  const outcome = await deps.store.storeAnswer(requestId, connectionId, answerAttributes(answer));
  const reply: ApiReply = { type: 'error', requestId, message: `${error.errorMessage} The function gets ${error.errorType} instead.` };
  return outcome.kind === 'stored' ? { reply, forwarding: sendToQueue(deps, requestId, outcome.queue, answer) } : { reply };
}

function refusalReason(requestId: string, connectionId: string, current: CurrentItem | undefined): string {
  const notStored = 'this answer was not stored';
  if (current === undefined) return `request ${requestId} is unknown (no item with this RequestId; it may have expired): ${notStored}`;
  if (current.connectionId !== connectionId) {
    return `request ${requestId} belongs to another debugger connection; only the session's current connection (the one the item names) can answer it: ${notStored}`;
  }
  switch (current.status) {
    case Status.Responded:
    case Status.Delivered:
      return `request ${requestId} was already answered (status ${current.status}): ${notStored}`;
    case Status.TimedOut:
      return `request ${requestId} timed out before this answer arrived: ${notStored}`;
    case Status.Pending:
      return `request ${requestId} changed while this answer was being stored: ${notStored}, send it again`;
    default:
      return `request ${requestId} has status ${JSON.stringify(current.status)}, not ${Status.Pending}: ${notStored}`;
  }
}

/** The requestId of a message that failed validation, when it has a readable one. */
function requestIdOf(body: string | undefined): string | undefined {
  try {
    const value: unknown = JSON.parse(body ?? '');
    const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).requestId : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
