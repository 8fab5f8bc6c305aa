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

describe('one line whatever the error', () => {
  const failed = (errorMessage: string): InvocationRecord => ({ ...base, outcome: { ok: false, error: { errorType: 'Error', errorMessage, stackTrace: ['Error: x', '    at handler (app.ts:3:9)'] } } });

  it('keeps a multi-line or long message on the line; --verbose shows the whole error', () => {
    const record = failed('first\nsecond\n  third');
    expect(formatInvocation(record, undefined, false)).toEqual(['03:04:05  my-fn  req-1  12 ms  error Error: first | second | third']);
    const long = formatInvocation(failed('x'.repeat(500)), undefined, false);
    expect(long).toHaveLength(1);
    expect(long[0]).toContain('(500 characters; --verbose shows all)');
    expect(formatInvocation(record, undefined, true)).toEqual([
      '03:04:05  my-fn  req-1  12 ms  error Error: first | second | third',
      '  event:  {"a":1}',
      '  | first',
      '  | second',
      '  |   third',
      '  | Error: x',
      '  |     at handler (app.ts:3:9)',
    ]);
  });

  it('says timed out, refused or unconfirmed instead of ok', () => {
    const record: InvocationRecord = { ...base, outcome: { ok: true, response: '1' } };
    expect(formatInvocation(record, undefined, false, { kind: 'timed-out' })[0]).toMatch(/12 ms {2}timed out: the deadline passed first/);
    expect(formatInvocation(record, undefined, false, { kind: 'refused', reason: 'too late' })[0]).toMatch(/12 ms {2}refused: the function did not get this answer \(ok\): too late$/);
    expect(formatInvocation(record, undefined, false, { kind: 'unconfirmed' })[0]).toMatch(/12 ms {2}ok \(sent; the API did not confirm it\)$/);
  });
});
