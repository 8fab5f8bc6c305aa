import {
  DYNAMODB_ITEM_LIMIT_BYTES,
  WEBSOCKET_MESSAGE_LIMIT_BYTES,
  answerAttributes,
  answerFromMessage,
  itemSize,
  resultTooLargeError,
  type DebuggerResponseMessage,
} from '../../../protocol/index.js';
import type { CurrentItem, DynamoDbAnswerWriter } from '../../../protocol/answer-write.js';
import { explainAwsError } from '../errors.js';
import { answerMessage } from './request-handler.js';
import { runtimeError } from '../runners/lambda-error.js';

/** The one table write the debugger needs: the `$default` route's conditional answer write (protocol/answer-write.ts). */
export type AnswerWriter = Pick<DynamoDbAnswerWriter, 'storeAnswer'>;

/** Where an answer can go: the session's WebSocket connection, known to the API by this id. */
export interface AnswerRoute {
  connectionId: string;
  send(message: DebuggerResponseMessage): Promise<void>;
}

/**
 * How an answer reached the function's item: over the WebSocket (`$default` stores it), written
 * into the item directly (too large for a message), or replaced by an error answer (too large
 * for the item too).
 */
export type AnswerDelivery = 'websocket' | 'item' | 'too-large';

/**
 * Sends an answer the way it fits: API Gateway refuses WebSocket messages over 128 KB, so a
 * larger answer is written straight into the request item with the same conditional write the
 * `$default` route makes (the stream relay then hands it to the waiting function). An answer the
 * item cannot hold either becomes an error answer that says so.
 */
export async function deliverAnswer(answer: DebuggerResponseMessage, route: AnswerRoute, store: AnswerWriter, warn: (line: string) => void): Promise<AnswerDelivery> {
  if (Buffer.byteLength(JSON.stringify(answer), 'utf8') <= WEBSOCKET_MESSAGE_LIMIT_BYTES) {
    await route.send(answer);
    return 'websocket';
  }
  const attributes = answerAttributes(answerFromMessage(answer));
  const answerBytes = itemSize(attributes);
  const stored = answerBytes < DYNAMODB_ITEM_LIMIT_BYTES ? await storeInItem(answer.requestId, route.connectionId, attributes, store) : undefined;
  if (stored === true) return 'item';
  const error = resultTooLargeError(answerBytes, stored?.itemBytes);
  warn(`request ${answer.requestId}: the handler's result (${answerBytes} bytes) does not fit the table item; the function gets a ${error.errorType} error`);
  await route.send(answerMessage(answer.requestId, { ok: false, error: runtimeError(error.errorType, error.errorMessage) }));
  return 'too-large';
}

/** True when stored; the item's size when DynamoDB refuses the answer's size; throws when the item is not ours to answer. */
async function storeInItem(requestId: string, connectionId: string, attributes: Record<string, string | number>, store: AnswerWriter): Promise<true | { itemBytes: number }> {
  let outcome;
  try {
    outcome = await store.storeAnswer(requestId, connectionId, attributes);
  } catch (err) {
    throw explainAwsError(err, `write the answer to request ${requestId} into the table`);
  }
  if (outcome.kind === 'too-large') return { itemBytes: outcome.itemBytes };
  if (outcome.kind === 'refused') throw new Error(`the table refused it: ${refusal(outcome.current, connectionId)}`);
  return true;
}

function refusal(current: CurrentItem | undefined, connectionId: string): string {
  if (current === undefined) return 'the request is not in the table (expired or deleted)';
  if (current.connectionId !== connectionId) return 'the request belongs to another debugger connection';
  return `the request is ${current.status ?? 'in no known state'}, no longer waiting for an answer`;
}
