import {
  Attr,
  DYNAMODB_ITEM_LIMIT_BYTES,
  WEBSOCKET_MESSAGE_LIMIT_BYTES,
  answerAttributes,
  answerFromMessage,
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

export const RESULT_TOO_LARGE_ERROR_TYPE = 'PLLDB.ResultTooLarge';

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
  const resultBytes = Buffer.byteLength(String(attributes[Attr.Response] ?? attributes[Attr.Error] ?? ''), 'utf8');
  if (resultBytes < DYNAMODB_ITEM_LIMIT_BYTES && (await storeInItem(answer.requestId, route.connectionId, attributes, store))) return 'item';
  warn(`request ${answer.requestId}: the handler's result (${resultBytes} bytes) does not fit the table item; the function gets a ${RESULT_TOO_LARGE_ERROR_TYPE} error`);
  await route.send(tooLargeAnswer(answer.requestId, resultBytes));
  return 'too-large';
}

/** The error answer for a result PLLDB cannot carry. */
function tooLargeAnswer(requestId: string, resultBytes: number): DebuggerResponseMessage {
  return answerMessage(requestId, {
    ok: false,
    error: runtimeError(
      RESULT_TOO_LARGE_ERROR_TYPE,
      `the handler's result (${resultBytes} bytes) is too large to return through PLLDB: it travels in a DynamoDB item, which holds at most ${DYNAMODB_ITEM_LIMIT_BYTES} bytes (400 KB) together with the invocation's event; return less while debugging`,
    ),
  });
}

/** True when stored; false when DynamoDB refuses the item's size; throws when the item is not ours to answer. */
async function storeInItem(requestId: string, connectionId: string, attributes: Record<string, string | number>, store: AnswerWriter): Promise<boolean> {
  let outcome;
  try {
    outcome = await store.storeAnswer(requestId, connectionId, attributes);
  } catch (err) {
    if (isItemTooLarge(err)) return false;
    throw explainAwsError(err, `write the answer to request ${requestId} into the table`);
  }
  if (outcome.kind === 'refused') throw new Error(`the table refused it: ${refusal(outcome.current, connectionId)}`);
  return true;
}

function refusal(current: CurrentItem | undefined, connectionId: string): string {
  if (current === undefined) return 'the request is not in the table (expired or deleted)';
  if (current.connectionId !== connectionId) return 'the request belongs to another debugger connection';
  return `the request is ${current.status ?? 'in no known state'}, no longer waiting for an answer`;
}

/** DynamoDB's ValidationException for an item that would pass 400 KB. */
function isItemTooLarge(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ValidationException' && /item size/i.test((err as Error).message);
}
