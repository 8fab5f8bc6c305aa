import { Attr, DEBUGGER_ERROR_TYPE, DYNAMODB_ITEM_LIMIT_BYTES, INVALID_ANSWER_ERROR_TYPE, RESULT_TOO_LARGE_ERROR_TYPE } from './constants.js';

/** The Runtime API's error body. */
export interface LambdaError {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

/** What the debugger answered, as the runtime returns it to the Runtime API. */
export type Answer =
  | { kind: 'response'; statusCode: number; body: string }
  | { kind: 'error'; statusCode?: number; error: LambdaError };

/** The attributes `readAnswer` reads: all a reader of the answer needs to fetch (ProjectionExpression). */
export const ANSWER_ATTRIBUTES: readonly string[] = [Attr.ResponseCode, Attr.Response, Attr.Error, Attr.StatusCode, Attr.ErrorMessage];

/**
 * Reads the answer from an item (plain object, as unmarshalled), or undefined when it is not
 * answered yet. Accepts the upstream names `StatusCode` (> 0) and `ErrorMessage`. Attributes of
 * the wrong type written by a foreign writer become an error answer that says what is wrong.
 */
export function readAnswer(item: Record<string, unknown>): Answer | undefined {
  const errorValue = item[Attr.Error] ?? item[Attr.ErrorMessage];
  const codeValue = item[Attr.ResponseCode] ?? positive(item[Attr.StatusCode]);
  if (errorValue !== undefined && errorValue !== null) {
    const statusCode = toNumber(codeValue);
    return { kind: 'error', ...(statusCode !== undefined ? { statusCode } : {}), error: parseError(errorValue) };
  }
  if (codeValue === undefined || codeValue === null) return undefined;
  const statusCode = toNumber(codeValue);
  if (statusCode === undefined) {
    return invalid(`the debugger's answer has ${Attr.ResponseCode} ${JSON.stringify(codeValue)}; expected a number such as 200`);
  }
  return { kind: 'response', statusCode, body: responseBody(item[Attr.Response]) };
}

/** Item attributes that record an answer (written by the `$default` route or any debugger). */
export function answerAttributes(answer: Answer): Record<string, string | number> {
  if (answer.kind === 'response') {
    return { [Attr.ResponseCode]: answer.statusCode, [Attr.Response]: answer.body };
  }
  return { [Attr.ResponseCode]: answer.statusCode ?? 500, [Attr.Error]: JSON.stringify(answer.error) };
}

/**
 * The error that replaces an answer the request item cannot hold: the answer's size (its
 * attributes, names included, as DynamoDB counts them), the item's size when known, and the limit.
 */
export function resultTooLargeError(answerBytes: number, requestItemBytes?: number): LambdaError {
  const sizes =
    requestItemBytes === undefined
      ? `alone more than`
      : `which already holds ${requestItemBytes} bytes (the event and its context): ${answerBytes + requestItemBytes} bytes together, over`;
  return {
    errorMessage: `the handler's result (${answerBytes} bytes) is too large to return through PLLDB: it travels in the invocation's DynamoDB item, ${sizes} the item limit of ${DYNAMODB_ITEM_LIMIT_BYTES} bytes (400 KB, attribute names included). Return less (or invoke with a smaller event) while debugging.`,
    errorType: RESULT_TOO_LARGE_ERROR_TYPE,
    stackTrace: [],
  };
}

/** Normalizes a debugger's error: a LambdaError-shaped object, its JSON, or a plain message. */
export function parseError(value: unknown): LambdaError {
  if (typeof value === 'string') {
    const parsed = tryJson(value);
    if (isErrorShape(parsed)) return normalizeErrorShape(parsed);
    return { errorMessage: value, errorType: DEBUGGER_ERROR_TYPE, stackTrace: [] };
  }
  if (isErrorShape(value)) return normalizeErrorShape(value);
  return { errorMessage: JSON.stringify(value) ?? String(value), errorType: DEBUGGER_ERROR_TYPE, stackTrace: [] };
}

function normalizeErrorShape(value: { errorMessage: unknown; errorType?: unknown; stackTrace?: unknown }): LambdaError {
  return {
    errorMessage: String(value.errorMessage),
    errorType: typeof value.errorType === 'string' && value.errorType !== '' ? value.errorType : DEBUGGER_ERROR_TYPE,
    stackTrace: Array.isArray(value.stackTrace) ? value.stackTrace.map(String) : typeof value.stackTrace === 'string' ? value.stackTrace.split('\n') : [],
  };
}

function isErrorShape(value: unknown): value is { errorMessage: unknown; errorType?: unknown; stackTrace?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'errorMessage' in value;
}

function responseBody(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value;
  // A foreign writer stored the result as a map, list or number: return it as JSON.
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Set ? [...v] : typeof v === 'bigint' ? v.toString() : v));
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (typeof value === 'object' && value !== null && 'value' in value) return toNumber((value as { value: unknown }).value);
  return undefined;
}

function positive(value: unknown): unknown {
  const n = toNumber(value);
  return n !== undefined && n > 0 ? n : undefined;
}

function invalid(message: string): Answer {
  return { kind: 'error', error: { errorMessage: message, errorType: INVALID_ANSWER_ERROR_TYPE, stackTrace: [] } };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
