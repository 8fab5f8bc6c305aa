import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitFor } from './support.js';
import { RESPONSE_PAYLOAD_LIMIT_BYTES, RuntimeApiServer, type RuntimeOutcome } from '../../../sandbox/lambda/runtime-api-server.js';

interface Recorded {
  ready: number;
  delivered: { requestId: string; deadlineMs: number }[];
  outcomes: { requestId: string; outcome: RuntimeOutcome }[];
  initErrors: { errorType: string | undefined; body: string }[];
}

const invocation = { requestId: 'req-1', payload: '{"hello":"wörld"}', timeoutMs: 3000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', clientContext: '{"custom":{"a":1}}' };

describe('RuntimeApiServer', () => {
  let server: RuntimeApiServer;
  let seen: Recorded;
  const url = (route: string) => `http://${server.endpoint}/2018-06-01/runtime/${route}`;
  const post = (route: string, body: string | Buffer, headers: Record<string, string> = {}) => fetch(url(route), { method: 'POST', body, headers });

  beforeEach(async () => {
    seen = { ready: 0, delivered: [], outcomes: [], initErrors: [] };
    server = new RuntimeApiServer({
      onReady: () => seen.ready++,
      onDelivered: (requestId, deadlineMs) => seen.delivered.push({ requestId, deadlineMs }),
      onOutcome: (requestId, outcome) => seen.outcomes.push({ requestId, outcome }),
      onInitError: (errorType, body) => seen.initErrors.push({ errorType, body }),
    });
    await server.start();
  });
  afterEach(() => server.stop());

  it('blocks /next until an invocation is delivered, then hands it out with the Lambda headers', async () => {
    const next = fetch(url('invocation/next'));
    await waitFor(() => seen.ready === 1);
    const before = Date.now();
    server.deliver(invocation);
    const res = await next;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(invocation.payload);
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('req-1');
    expect(res.headers.get('lambda-runtime-invoked-function-arn')).toBe(invocation.invokedFunctionArn);
    expect(res.headers.get('lambda-runtime-client-context')).toBe(invocation.clientContext);
    expect(res.headers.get('lambda-runtime-trace-id')).toMatch(/^Root=1-/);
    expect(res.headers.has('lambda-runtime-cognito-identity')).toBe(false);
    const deadline = Number(res.headers.get('lambda-runtime-deadline-ms'));
    expect(deadline).toBeGreaterThanOrEqual(before + 3000);
    expect(seen.delivered).toEqual([{ requestId: 'req-1', deadlineMs: deadline }]);
  });

  it('accepts one response (202), then refuses a second answer (403) and unknown ids (400)', async () => {
    server.deliver(invocation);
    await (await fetch(url('invocation/next'))).text();
    const first = await post('invocation/req-1/response', '{"ok":true}');
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ status: 'OK' });
    expect(seen.outcomes).toEqual([{ requestId: 'req-1', outcome: { kind: 'response', body: '{"ok":true}' } }]);
    const again = await post('invocation/req-1/error', '{}');
    expect(again.status).toBe(403);
    expect(((await again.json()) as { errorType: string }).errorType).toBe('InvalidStateTransition');
    const unknown = await post('invocation/nope/response', '{}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errorType: string }).errorType).toBe('InvalidRequestID');
    expect(seen.outcomes).toHaveLength(1);
  });

  it('reads the error type header and body of /error', async () => {
    server.deliver(invocation);
    await (await fetch(url('invocation/next'))).text();
    const body = JSON.stringify({ errorType: 'TypeError', errorMessage: 'boom', stackTrace: [] });
    const res = await post('invocation/req-1/error', body, { 'Lambda-Runtime-Function-Error-Type': 'TypeError' });
    expect(res.status).toBe(202);
    expect(seen.outcomes[0]?.outcome).toEqual({ kind: 'error', errorType: 'TypeError', body });
  });

  it('refuses a response over 6 MB with 413 and reports it', async () => {
    server.deliver(invocation);
    await (await fetch(url('invocation/next'))).text();
    const res = await post('invocation/req-1/response', Buffer.alloc(RESPONSE_PAYLOAD_LIMIT_BYTES + 1, 0x61));
    expect(res.status).toBe(413);
    expect(seen.outcomes).toEqual([{ requestId: 'req-1', outcome: { kind: 'too-large' } }]);
  });

  it('takes /init/error before the first /next (202) and refuses it after (403)', async () => {
    const accepted = await post('init/error', '{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    expect(accepted.status).toBe(202);
    expect(seen.initErrors).toEqual([{ errorType: 'Runtime.ImportModuleError', body: '{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}' }]);
    server.deliver(invocation);
    await (await fetch(url('invocation/next'))).text();
    expect((await post('init/error', '{}')).status).toBe(403);
  });

  it('refuses /next while an invocation has no answer (403) and unknown routes (404)', async () => {
    server.deliver(invocation);
    await (await fetch(url('invocation/next'))).text();
    expect((await fetch(url('invocation/next'))).status).toBe(403);
    expect((await fetch(url('nothing'))).status).toBe(404);
  });
});
