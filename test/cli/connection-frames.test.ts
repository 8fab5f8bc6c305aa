import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_FRAME_BYTES, openWebSocket, type DebuggerConnection } from '../../cli/src/debug/connection.js';
import { WebSocketApi } from '../../sandbox/services/index.js';

describe('debugger connection framing', () => {
  const bodies: string[] = [];
  const closes: number[] = [];
  const api = new WebSocketApi({
    invokeRoute: async (routeKey, event) => {
      if (routeKey === '$default') bodies.push((event as { body: string }).body);
      return { statusCode: 200 };
    },
  });
  let connection: DebuggerConnection;

  beforeAll(async () => {
    await api.start();
    connection = await openWebSocket(api.url, { onMessage: () => undefined, onClose: (code) => closes.push(code) });
  });
  afterAll(async () => {
    connection.close();
    await api.stop();
  });

  it('sends a message over the 32 KB frame limit whole, without API Gateway closing the connection', async () => {
    const response = JSON.stringify({ text: '\u00e9\u{1F600}x'.repeat(12_000) });
    expect(Buffer.byteLength(response)).toBeGreaterThan(2 * MAX_FRAME_BYTES);
    await connection.send({ action: 'response', requestId: 'r1', statusCode: 200, response });
    await connection.send({ action: 'whoami' });
    for (let i = 0; i < 100 && bodies.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closes).toEqual([]);
    expect(JSON.parse(bodies[0] ?? '{}').response).toBe(response);
    expect(JSON.parse(bodies[1] ?? '{}')).toEqual({ action: 'whoami' });
  });
});
