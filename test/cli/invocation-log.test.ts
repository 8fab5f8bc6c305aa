import { describe, expect, it } from '@jest/globals';
import { formatInvocation } from '../../cli/src/debug/invocation-log.js';
import { answerMessage, type InvocationRecord } from '../../cli/src/debug/request-handler.js';

const base = { startedAt: new Date('2026-01-02T03:04:05.678Z'), functionName: 'my-fn', requestId: 'req-1', durationMs: 12.4, event: { a: 1 } };

describe('one line per invocation', () => {
  it('shows time, function, request id, duration and ok; verbose adds event and answer', () => {
    const record: InvocationRecord = { ...base, outcome: { ok: true, response: '{"b":2}' } };
    const answer = answerMessage('req-1', record.outcome);
    expect(formatInvocation(record, answer, false)).toEqual(['03:04:05  my-fn  req-1  12 ms  ok']);
    expect(formatInvocation(record, answer, true)).toEqual([
      '03:04:05  my-fn  req-1  12 ms  ok',
      '  event:  {"a":1}',
      '  answer: {"action":"response","requestId":"req-1","statusCode":200,"response":"{\\"b\\":2}"}',
    ]);
  });

  it('shows the error type and message of a failed invocation', () => {
    const record: InvocationRecord = { ...base, outcome: { ok: false, error: { errorType: 'TypeError', errorMessage: 'x is undefined', stackTrace: [] } } };
    expect(formatInvocation(record, answerMessage('req-1', record.outcome), false)).toEqual(['03:04:05  my-fn  req-1  12 ms  error TypeError: x is undefined']);
  });
});
