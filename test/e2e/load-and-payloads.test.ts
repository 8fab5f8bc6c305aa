import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, Status, WEBSOCKET_MESSAGE_LIMIT_BYTES, readRequestJson, type DebuggerRequestMessage } from '../../protocol/index.js';
import type { InvokeResult } from '../../sandbox/index.js';
import { startWorld, type World } from './support/world.js';

const IN_FLIGHT = 20;
const sameBytes = (a: string, b: string) => Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8'));
const INSTANCES = 5;

describe('end to end: many invocations at once, large and unusual payloads', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ concurrency: INSTANCES });
    world.attach('busy');
    world.attach('payloads');
  });

  afterEach(() => {
    world.debuggerClient.behaviour = undefined;
  });

  afterAll(async () => {
    await world?.stop();
  });

  it(`gives each of ${IN_FLIGHT} concurrent callers across ${INSTANCES} instances its own answer and leaves no queue`, async () => {
    // Answers in a scrambled order, so a crossing would show.
    world.debuggerClient.behaviour = async (request: DebuggerRequestMessage, client) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
      const event = JSON.parse(request.event ?? 'null') as { n: number };
      return client.answer(request.requestId, JSON.stringify({ n: event.n, requestId: request.requestId }));
    };
    const results = await Promise.all(Array.from({ length: IN_FLIGHT }, (_v, n) => world.sandbox.invoke('busy', { n })));
    results.forEach((result, n) => expect(JSON.parse(result.payload)).toEqual({ n, requestId: result.requestId }));
    const instances = new Set(world.sandbox.metrics().invocations.filter((i) => i.functionName === 'busy').map((i) => i.instanceId));
    expect(instances.size).toBeGreaterThan(1);
    expect(await world.queuesGone()).toEqual([]);
    for (const result of results) expect((await world.itemWhen(result.requestId, (item) => item[Attr.Status] === Status.Delivered))[Attr.Status]).toBe(Status.Delivered);
  });

  it('carries an event over the WebSocket message limit through the item', async () => {
    const blob = 'x'.repeat(WEBSOCKET_MESSAGE_LIMIT_BYTES + 10_000);
    world.debuggerClient.behaviour = async (request: DebuggerRequestMessage, client) => {
      const item = (await world.item(request.requestId)) ?? {};
      const event = (JSON.parse(readRequestJson(item) ?? '{}') as { event: { blob: string } }).event;
      return client.answer(request.requestId, JSON.stringify({ inline: request.eventInline, length: event.blob.length }));
    };
    const result = await world.sandbox.invoke('payloads', { blob });
    expect(JSON.parse(result.payload)).toEqual({ inline: false, length: blob.length });
  });

  it.each([
    ['a unicode payload', '{"text":"héllo wörld ✓ 日本語 👩‍👩‍👧 e\u0301 \u2028\u2029","rtl":"مرحبا"}'],
    ['JSON escapes as sent', '{"a":"\\u00e9\\ud83d\\ude00","lone":"\\ud800","nul":"\\u0000","ctl":"\\u001f\\b\\f"}'],
    ['a binary-looking payload', `{"base64":"${Buffer.from(Array.from({ length: 600 }, (_v, i) => (i * 37) % 256)).toString('base64')}","bytes":[0,255,128]}`],
    // SQS refuses these in a message body: the fast path fails and the relay sends a pointer to the item instead.
    ['characters SQS refuses', '{"noncharacters":"\uFFFE\uFFFF"}'],
  ])('round-trips %s byte for byte', async (_kind, payload) => {
    expect(sameBytes((await echoRaw(payload)).payload, payload)).toBe(true);
  });

  /** Invokes with `payload` as is; the debugger answers with the event exactly as it got it. */
  async function echoRaw(payload: string): Promise<InvokeResult> {
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) => client.answer(request.requestId, request.event ?? '');
    const result = await world.sandbox.invokeRaw('payloads', payload);
    expect(result.functionError).toBeUndefined();
    return result;
  }
});
