import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Attr, DEBUGGER_ERROR_TYPE, INVALID_ANSWER_ERROR_TYPE, readRequestJson, type DebuggerRequestMessage } from '../../protocol/index.js';
import { recordFigures } from './support/figures.js';
import { Rig } from './support/rig.js';
import { type AnswerBody, type ScriptedDebugger } from './support/scripted-debugger.js';
import { lambdaError, waitUntil } from './support/wait.js';

const FN = 'bad-input';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The event exactly as the runtime stored it: inline in the message, else from the item's `Request`. */
async function eventText(rig: Rig, request: DebuggerRequestMessage): Promise<string> {
  if (request.eventInline && request.event !== undefined) return request.event;
  const item = await rig.item(request.requestId);
  const json = readRequestJson(item ?? {}) ?? '';
  // `Request` is {"event":<event as sent>,"context":{...}}: cut the event out without re-serializing it.
  return json.slice('{"event":'.length, json.lastIndexOf(',"context":'));
}

describe('bad input: each gets a clear error or is carried byte for byte; the runtime loop survives', () => {
  let rig: Rig;
  /** What the debugger answers, per test; undefined: stay silent (a foreign writer answers). */
  let answerWith: ((request: DebuggerRequestMessage, event: string) => AnswerBody | undefined) | undefined;
  let pidsBefore: number[];

  beforeAll(async () => {
    rig = await Rig.start(async (request, self) => {
      const answer = answerWith?.(request, await eventText(rig, request));
      if (answer) await self.answer(request.requestId, answer);
    });
    rig.createDebuggedFunction(FN);
    answerWith = (_r, event) => ({ response: JSON.stringify({ sha256: sha256(event), bytes: Buffer.byteLength(event) }) });
    await rig.invoke(FN, { warm: true });
    pidsBefore = rig.runtimePids(FN);
  });

  afterAll(async () => {
    await rig.stop();
  });

  /** The debugger hashes the event it was given: equal hashes mean it arrived byte for byte. */
  async function carried(caseName: string, payload: string): Promise<void> {
    answerWith = (_r, event) => ({ response: JSON.stringify({ sha256: sha256(event), bytes: Buffer.byteLength(event) }) });
    const started = Date.now();
    const result = await rig.sandbox.invokeRaw(FN, payload);
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload)).toEqual({ sha256: sha256(payload), bytes: Buffer.byteLength(payload) });
    recordFigures({ case: caseName, invocations: 1, delivered: 1, errors: 0, lost: 0, durationMs: Date.now() - started, note: `carried byte for byte (${Buffer.byteLength(payload)} bytes, sha256 equal)` });
  }

  describe('events', () => {
    it('0 bytes: Lambda turns it into {}, which is carried', async () => {
      answerWith = (_r, event) => ({ response: JSON.stringify({ event }) });
      const result = await rig.sandbox.invokeRaw(FN, '');
      expect(JSON.parse(result.payload)).toEqual({ event: '{}' });
      recordFigures({ case: 'event of 0 bytes', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'delivered as {} (what Lambda passes for an empty payload)' });
    });

    it('1 MB that compresses: left out of the message, stored gzip-compressed, carried byte for byte', async () => {
      await carried('event of 1 MB (compressible)', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    });

    it('1 MB and 5 MB that do not compress: a clear error saying the event is too large to debug and its size', async () => {
      for (const [caseName, bytes] of [['event of 1 MB (incompressible)', 768 * 1024], ['event of 5 MB (incompressible)', 3840 * 1024]] as const) {
        const payload = JSON.stringify({ pad: randomBytes(bytes).toString('base64') });
        const started = Date.now();
        const result = await rig.sandbox.invokeRaw(FN, payload);
        const error = lambdaError(result.payload);
        expect(error.errorType).toBe('PLLDB.EventTooLarge');
        expect(error.errorMessage).toContain(`${Buffer.byteLength(payload)} bytes`);
        recordFigures({ case: caseName, invocations: 1, delivered: 0, errors: 1, lost: 0, timeToErrorMs: Date.now() - started, note: `PLLDB.EventTooLarge naming the size (${Buffer.byteLength(payload)} bytes)` });
      }
    });

    it('5 MB that compresses: carried byte for byte', async () => {
      await carried('event of 5 MB (compressible)', JSON.stringify({ pad: 'ab'.repeat(2.5 * 1024 * 1024) }));
    });

    it('deeply nested JSON (20 000 levels): carried byte for byte', async () => {
      await carried('deeply nested JSON (20 000 levels)', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    });

    it('invalid UTF-8 in strings (lone surrogate escapes): carried byte for byte', async () => {
      await carried('lone surrogates in strings', '{"high":"\\ud800","low":"\\udfff","pair":"\\udfff\\ud800","nul":"\\u0000"}');
    });
  });

  describe('answers', () => {
    it('a Response that is not JSON is returned as given', async () => {
      answerWith = () => ({ response: 'not JSON {' });
      const result = await rig.invoke(FN, { case: 'not-json' });
      expect(result.payload).toBe('not JSON {');
      recordFigures({ case: 'Response that is not JSON', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'returned byte for byte' });
    });

    it('an Error that is not JSON becomes a DebuggerError with that message', async () => {
      answerWith = () => ({ errorMessage: 'plain text, {not json' });
      const result = await rig.invoke(FN, { case: 'error-not-json' });
      expect(lambdaError(result.payload)).toEqual({ errorType: DEBUGGER_ERROR_TYPE, errorMessage: 'plain text, {not json', stackTrace: [] });
      recordFigures({ case: 'Error that is not JSON', invocations: 1, delivered: 1, errors: 0, lost: 0, note: `caller gets ${DEBUGGER_ERROR_TYPE} with the message as given` });
    });

    it('a Response of 380 KB written to the item (too big for a queue message) is carried byte for byte', async () => {
      answerWith = undefined;
      const response = JSON.stringify({ pad: 'r'.repeat(380 * 1024) });
      const call = rig.invoke(FN, { case: 'big-response' });
      await waitUntil('the request', async () => rig.debuggerClient.requests.some((r) => r.event?.includes('big-response')));
      const requestId = rig.debuggerClient.requests.find((r) => r.event?.includes('big-response'))?.requestId as string;
      await rig.writeRaw(requestId, { [Attr.ResponseCode]: { N: '200' }, [Attr.Response]: { S: response } });
      const result = await call;
      expect(result.payload).toBe(response);
      recordFigures({ case: 'Response of 380 KB (written to the item)', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'carried byte for byte (relay sends a pointer; the item holds it)' });
    });

    it('a Response of 400 KB: the WebSocket API closes the connection (1009) and the waiting caller gets a disconnect error at once', async () => {
      const big = await rig.connectDebugger(async (request, self) => {
        await self.answer(request.requestId, { response: JSON.stringify({ pad: 'r'.repeat(400 * 1024) }) });
      });
      rig.createDebuggedFunction('big-answer', { connectionId: big.connectionId });
      const started = Date.now();
      const result = await rig.invoke('big-answer', { case: 'response-400kb' });
      expect(big.closeCode).toBe(1009);
      expect(lambdaError(result.payload).errorType).toBe('PLLDB.DebuggerDisconnected');
      recordFigures({ case: 'Response of 400 KB (over the WebSocket)', invocations: 1, delivered: 0, errors: 1, lost: 0, timeToErrorMs: Date.now() - started, note: 'API closes the connection with 1009 (message over 128 KB); caller gets PLLDB.DebuggerDisconnected' });
    });
  });

  describe('a foreign writer (direct UpdateItem) with missing or wrong-typed attributes', () => {
    const cases: { name: string; values: Parameters<Rig['writeRaw']>[1]; expectPayload: (payload: string) => void }[] = [
      {
        name: 'ResponseCode as a non-numeric string',
        values: { [Attr.ResponseCode]: { S: 'abc' }, [Attr.Response]: { S: '"x"' } },
        expectPayload: (p) => expect(lambdaError(p)).toMatchObject({ errorType: INVALID_ANSWER_ERROR_TYPE, errorMessage: expect.stringContaining('"abc"') }),
      },
      { name: 'ResponseCode as a numeric string', values: { [Attr.ResponseCode]: { S: '200' }, [Attr.Response]: { S: '{"a":1}' } }, expectPayload: (p) => expect(p).toBe('{"a":1}') },
      { name: 'ResponseCode without Response', values: { [Attr.ResponseCode]: { N: '200' } }, expectPayload: (p) => expect(p).toBe('null') },
      { name: 'Response as a map', values: { [Attr.ResponseCode]: { N: '200' }, [Attr.Response]: { M: { a: { N: '1' } } } }, expectPayload: (p) => expect(JSON.parse(p)).toEqual({ a: 1 }) },
      { name: 'Error as a map', values: { [Attr.Error]: { M: { errorMessage: { S: 'boom' } } } }, expectPayload: (p) => expect(lambdaError(p)).toMatchObject({ errorType: DEBUGGER_ERROR_TYPE, errorMessage: 'boom' }) },
      { name: 'upstream StatusCode and ErrorMessage', values: { [Attr.StatusCode]: { N: '500' }, [Attr.ErrorMessage]: { S: 'upstream boom' } }, expectPayload: (p) => expect(lambdaError(p).errorMessage).toBe('upstream boom') },
      { name: 'Status as a number', values: { [Attr.Status]: { N: '1' }, [Attr.ResponseCode]: { N: '200' }, [Attr.Response]: { S: '"still carried"' } }, expectPayload: (p) => expect(p).toBe('"still carried"') },
    ];

    for (const c of cases) {
      it(`${c.name}: a clear answer, never a crash`, async () => {
        answerWith = undefined;
        const token = `foreign-${c.name}`;
        const call = rig.invoke(FN, { token });
        const requestOf = () => rig.debuggerClient.requests.find((r) => r.event?.includes(token));
        await waitUntil('the request', () => requestOf() !== undefined);
        await rig.writeRaw(requestOf()?.requestId as string, c.values);
        const result = await call;
        c.expectPayload(result.payload);
        recordFigures({ case: `foreign writer: ${c.name}`, invocations: 1, delivered: 1, errors: 0, lost: 0, note: result.functionError ? `error: ${lambdaError(result.payload).errorType}` : 'returned' });
      });
    }
  });

  describe('WebSocket messages', () => {
    let other: ScriptedDebugger;

    beforeAll(async () => {
      other = await rig.connectDebugger();
    });

    it('not JSON, or an unknown action: an error reply that says what to send; the connection stays usable', async () => {
      const notJson = await other.sendRaw('this is not JSON');
      expect(notJson).toMatchObject({ kind: 'reply', reply: { type: 'error', message: expect.stringMatching(/not JSON.*"action":"response"/) } });
      const unknown = await other.sendRaw(JSON.stringify({ action: 'reboot' }));
      expect(unknown).toMatchObject({ kind: 'reply', reply: { type: 'error', message: expect.stringMatching(/unknown action "reboot"/) } });
      const whoami = await other.sendRaw(JSON.stringify({ action: 'whoami' }), (r) => r.type === 'whoami');
      expect(whoami).toMatchObject({ kind: 'reply', reply: { type: 'whoami', connectionId: other.connectionId } });
      recordFigures({ case: 'WebSocket message not JSON / unknown action', invocations: 0, errors: 2, note: 'error replies saying what to send; connection still answers whoami' });
    });

    it('1 MB: the API closes that connection with 1009; other connections and the runtime are unaffected', async () => {
      const outcome = await other.sendRaw(JSON.stringify({ action: 'response', requestId: 'x', response: JSON.stringify('m'.repeat(1024 * 1024)) }));
      expect(outcome).toEqual({ kind: 'closed', code: 1009 });
      answerWith = () => ({ response: '"after the 1 MB message"' });
      const result = await rig.invoke(FN, { case: 'after-1mb' });
      expect(result.payload).toBe('"after the 1 MB message"');
      recordFigures({ case: 'WebSocket message of 1 MB', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'that connection closed with 1009 (message too big); other connections and the function unaffected' });
    });
  });

  it('after all of it the same runtime processes still answer (no crash, no restart)', async () => {
    answerWith = () => ({ response: '"still alive"' });
    const result = await rig.invoke(FN, { case: 'last' });
    expect(result.payload).toBe('"still alive"');
    // A busy environment's bookkeeping can make the host start a second one; none may have died.
    expect(rig.runtimePids(FN)).toEqual(expect.arrayContaining(pidsBefore));
    expect(rig.sandbox.metrics().invocations.filter((i) => i.functionName === FN && i.outcome === undefined)).toEqual([]);
  });
});
