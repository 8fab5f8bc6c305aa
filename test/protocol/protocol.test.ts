import { describe, expect, it } from '@jest/globals';
import {
  Attr,
  INVALID_ANSWER_ERROR_TYPE,
  ProtocolError,
  answerAttributes,
  answerFromMessage,
  decodeQueueMessage,
  encodeQueueMessage,
  parseDebuggerMessage,
  queueNameFor,
  readAnswer,
} from '../../protocol/index.js';

describe('queueNameFor', () => {
  it('keeps a UUID request id and adds a suffix', () => {
    expect(queueNameFor('plldb-', '8476a536-e9f4-11e8-9739-2dfe598c3fcd', 'abcdefgh')).toBe('plldb-8476a536-e9f4-11e8-9739-2dfe598c3fcd-abcdefgh');
  });
  it('replaces characters SQS refuses and stays within 80 characters', () => {
    const name = queueNameFor('plldb-', 'a.b/c:d'.repeat(30));
    expect(name).toMatch(/^plldb-a_b_c_d[A-Za-z0-9_-]*$/);
    expect(name.length).toBeLessThanOrEqual(80);
  });
  it('gives a retried request id a different queue name', () => {
    expect(queueNameFor('plldb-', 'id')).not.toBe(queueNameFor('plldb-', 'id'));
  });
  it('refuses a prefix SQS would refuse', () => {
    expect(() => queueNameFor('bad prefix', 'id')).toThrow(/may contain only/);
  });
});

describe('readAnswer', () => {
  it('is undefined while unanswered', () => {
    expect(readAnswer({ RequestId: 'r', Status: 'PENDING' })).toBeUndefined();
  });
  it('returns Response byte for byte, even when it is not JSON', () => {
    expect(readAnswer({ ResponseCode: 200, Response: 'not json \u00e9' })).toEqual({ kind: 'response', statusCode: 200, body: 'not json \u00e9' });
  });
  it('reads a JSON error and a plain-string error', () => {
    expect(readAnswer({ ResponseCode: 500, Error: JSON.stringify({ errorMessage: 'boom', errorType: 'TypeError', stackTrace: ['at x'] }) })).toEqual({
      kind: 'error',
      statusCode: 500,
      error: { errorMessage: 'boom', errorType: 'TypeError', stackTrace: ['at x'] },
    });
    expect(readAnswer({ Error: 'plain' })).toEqual({ kind: 'error', error: { errorMessage: 'plain', errorType: 'DebuggerError', stackTrace: [] } });
  });
  it('accepts the upstream StatusCode (> 0) and ErrorMessage names', () => {
    expect(readAnswer({ StatusCode: 200, Response: '{"a":1}' })).toEqual({ kind: 'response', statusCode: 200, body: '{"a":1}' });
    expect(readAnswer({ StatusCode: 0, Response: 'x' })).toBeUndefined();
    expect(readAnswer({ StatusCode: 500, ErrorMessage: 'bad' })?.kind).toBe('error');
  });
  it('turns a ResponseCode of the wrong type into an error that says so', () => {
    const answer = readAnswer({ ResponseCode: 'two hundred', Response: '1' });
    expect(answer).toMatchObject({ kind: 'error', error: { errorType: INVALID_ANSWER_ERROR_TYPE } });
    expect(answer?.kind === 'error' && answer.error.errorMessage).toMatch(/ResponseCode/);
  });
  it('round-trips through answerAttributes', () => {
    const answer = { kind: 'error' as const, statusCode: 500, error: { errorMessage: 'm', errorType: 't', stackTrace: [] } };
    expect(readAnswer(answerAttributes(answer))).toEqual(answer);
  });
});

describe('parseDebuggerMessage', () => {
  it('accepts whoami and the original DebuggerResponse fields', () => {
    expect(parseDebuggerMessage('{"action":"whoami"}')).toEqual({ action: 'whoami' });
    expect(parseDebuggerMessage('{"requestId":"r","statusCode":200,"response":"1"}')).toEqual({ action: 'response', requestId: 'r', statusCode: 200, response: '1' });
  });
  it.each([
    ['', /empty/],
    ['nope', /not JSON/],
    ['[1]', /JSON object/],
    ['{"action":"dance"}', /unknown action/],
    ['{"action":"response"}', /requestId/],
    ['{"action":"response","requestId":"r","statusCode":"200","response":"1"}', /statusCode/],
    ['{"action":"response","requestId":"r","response":{"a":1}}', /JSON string/],
    ['{"action":"response","requestId":"r"}', /"response" .* or "errorMessage"/],
  ])('refuses %p with a clear message', (body, message) => {
    expect(() => parseDebuggerMessage(body)).toThrow(ProtocolError);
    expect(() => parseDebuggerMessage(body)).toThrow(message);
  });
  it('maps an error message to an error answer', () => {
    const msg = parseDebuggerMessage('{"action":"response","requestId":"r","statusCode":500,"errorMessage":"x","errorType":"E","stackTrace":["a"]}');
    expect(msg.action === 'response' && answerFromMessage(msg)).toEqual({ kind: 'error', statusCode: 500, error: { errorMessage: 'x', errorType: 'E', stackTrace: ['a'] } });
  });
});

describe('queue messages', () => {
  it('round-trip and refuse foreign bodies', () => {
    const msg = { type: 'answer' as const, requestId: 'r', answer: { kind: 'response' as const, statusCode: 200, body: '"ok"' } };
    expect(decodeQueueMessage(encodeQueueMessage(msg))).toEqual(msg);
    expect(decodeQueueMessage(encodeQueueMessage({ type: 'pointer', requestId: 'r' }))).toEqual({ type: 'pointer', requestId: 'r' });
    expect(() => decodeQueueMessage('hello')).toThrow(ProtocolError);
    expect(() => decodeQueueMessage('{"requestId":"r","type":"x"}')).toThrow(/unknown type/);
  });
  it('names attributes once', () => {
    expect(Attr.RequestId).toBe('RequestId');
  });
});
