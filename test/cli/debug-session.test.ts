import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttachResult, DebuggerTarget, DetachResult } from '../../cli/src/attach/attacher.js';
import { openWebSocket } from '../../cli/src/debug/connection.js';
import { presignWebSocketUrl } from '../../cli/src/debug/presign.js';
import { handleRequest } from '../../cli/src/debug/request-handler.js';
import { SessionAttachments } from '../../cli/src/debug/session-attachments.js';
import { DebugSession, type SessionDeps } from '../../cli/src/debug/session.js';
import { FORCE_WINDOW_MS, installShutdown } from '../../cli/src/debug/shutdown.js';
import { CliError } from '../../cli/src/errors.js';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool, type PythonSetup } from '../../cli/src/runners/runner-pool.js';
import { contextData, request, waitFor } from './helpers.js';
import { FakeApi } from './fake-api.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' });

describe('debug session against a WebSocket API stand-in', () => {
  let api: FakeApi;
  let runners: RunnerPool;
  let session: DebugSession;
  let sessionDeps: SessionDeps;
  let attaches: DebuggerTarget[];
  let detached: string[];
  let infos: string[];
  let warnings: string[];
  const storedRequests = new Map<string, string>();
  let python: PythonSetup;

  beforeAll(async () => {
    python = await checkPython('python3');
  });

  beforeEach(async () => {
    api = await FakeApi.start();
    runners = new RunnerPool({ codeDir: fixtures, python, output: () => undefined, info: () => undefined, warn: () => undefined });
    attaches = [];
    detached = [];
    infos = [];
    warnings = [];
    const attacher = {
      attach: async (name: string, target: DebuggerTarget): Promise<AttachResult> => {
        attaches.push(target);
        return { functionName: name, functionArn: `arn:${name}`, layerArn: 'layer', runtime: 'nodejs22.x', firstAttach: attaches.length === 1 };
      },
      detach: async (name: string): Promise<DetachResult> => {
        detached.push(name);
        return { status: 'restored', functionName: name };
      },
    };
    const attachments = new SessionAttachments(attacher, ['node-fn'], 'session-x', {}, (l) => infos.push(l), (l) => warnings.push(l));
    sessionDeps = {
      connect: async (events) => openWebSocket(await presignWebSocketUrl(api.url, 'us-east-1', credentials), events),
      attachAll: (id) => attachments.attachAll(id),
      detachAll: () => attachments.detachAll(),
      serve: async (msg) => (await handleRequest(msg, { runners, items: { requestJson: async (id) => storedRequests.get(id) } })).answer,
      info: (l) => infos.push(l),
      warn: (l) => warnings.push(l),
      backoffMs: () => 10,
    };
    session = new DebugSession(sessionDeps);
  });

  afterEach(async () => {
    await session.stop();
    await runners.close();
    await api.close();
  });

  it('connects with a SigV4-presigned URL, learns its id with whoami and attaches with it', async () => {
    await expect(session.start()).resolves.toBe('conn-1');
    expect(attaches).toEqual([{ sessionId: 'session-x', connectionId: 'conn-1' }]);
    const query = new URL(api.urls[0]!, 'ws://x').searchParams;
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDTEST\/\d{8}\/us-east-1\/execute-api\/aws4_request$/);
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a request with the handler result, and a handler error with an error answer', async () => {
    await session.start();
    api.send('conn-1', request('req-ok', 'node/esm.handler', 'nodejs22.x', { x: 1 }));
    api.send('conn-1', request('req-err', 'node/esm.fails', 'nodejs22.x', {}));
    await waitFor(() => api.answers.length === 2);
    const ok = api.answers.find((a) => a.requestId === 'req-ok')!;
    expect(ok).toEqual({ from: 'conn-1', action: 'response', requestId: 'req-ok', statusCode: 200, response: expect.any(String) });
    expect(JSON.parse(ok.response!)).toEqual({ echo: { x: 1 }, requestId: 'req-ok', remainingPositive: true, greeting: 'from the function' });
    expect(api.answers.find((a) => a.requestId === 'req-err')).toEqual({
      from: 'conn-1',
      action: 'response',
      requestId: 'req-err',
      statusCode: 500,
      errorMessage: 'card declined',
      errorType: 'PaymentError',
      stackTrace: expect.arrayContaining([expect.stringContaining('PaymentError: card declined')]),
    });
  });

  it('runs a Python handler, and reads an event that did not travel inline from the table', async () => {
    await session.start();
    storedRequests.set('req-big', JSON.stringify({ event: { big: true }, context: contextData('req-big') }));
    api.send('conn-1', request('req-big', 'python/app.handler', 'python3.12', undefined, { event: undefined, eventInline: false }));
    const answer = await waitFor(() => api.answers.find((a) => a.requestId === 'req-big'));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.response!)).toMatchObject({ echo: { big: true }, requestId: 'req-big', greeting: 'from the function' });
  });

  it('answers with an error when the event cannot be read or the runtime cannot run here', async () => {
    await session.start();
    api.send('conn-1', request('req-gone', 'node/esm.handler', 'nodejs22.x', undefined, { event: undefined, eventInline: false }));
    api.send('conn-1', request('req-java', 'Handler::handle', 'java21', {}));
    await waitFor(() => api.answers.length === 2);
    expect(api.answers.find((a) => a.requestId === 'req-gone')).toMatchObject({ statusCode: 500, errorType: 'PLLDB.RequestUnreadable' });
    expect(api.answers.find((a) => a.requestId === 'req-java')).toMatchObject({ statusCode: 500, errorType: 'PLLDB.UnsupportedRuntime' });
  });

  it('sends an answer again when the API could not store it and asks for it again', async () => {
    await session.start();
    api.failStores = 2;
    api.send('conn-1', request('req-retry', 'node/esm.handler', 'nodejs22.x', { x: 2 }));
    const answer = await waitFor(() => api.answers.find((a) => a.requestId === 'req-retry'));
    expect(JSON.parse(answer.response!)).toMatchObject({ echo: { x: 2 } });
    expect(warnings.filter((w) => w.includes('sending it again'))).toHaveLength(2);
  });

  it('prints error replies from the API', async () => {
    await session.start();
    api.send('conn-1', { type: 'error', requestId: 'req-late', message: 'the invocation is no longer pending' });
    await waitFor(() => warnings.find((w) => w.includes('req-late') && w.includes('no longer pending')));
  });

  it('reconnects when the connection drops and re-attaches with the new connection id', async () => {
    await session.start();
    api.sockets.get('conn-1')!.terminate();
    await waitFor(() => attaches.length === 2);
    expect(attaches[1]).toEqual({ sessionId: 'session-x', connectionId: 'conn-2' });
    await waitFor(() => infos.find((l) => l.includes('reconnected as conn-2')));
    api.send('conn-2', request('req-after', 'node/esm.handler', 'nodejs22.x', {}));
    await expect(waitFor(() => api.answers.find((a) => a.requestId === 'req-after'))).resolves.toMatchObject({ from: 'conn-2', statusCode: 200 });
  });

  it('keeps the connection alive with whoami messages', async () => {
    session = new DebugSession({ ...sessionDeps, keepAliveMs: 5 });
    await session.start();
    await waitFor(() => api.whoamis >= 3);
    expect(attaches).toHaveLength(1);
  });

  it('detaches what it attached and closes the connection when stopped', async () => {
    await session.start();
    const closed = new Promise((r) => api.sockets.get('conn-1')!.once('close', r));
    await session.stop();
    expect(detached).toEqual(['node-fn']);
    await closed;
  });

  it('says what to do when the API refuses the connection (403)', async () => {
    api.refuseWith = 403;
    const err = (await session.start().catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toContain('refused the connection (403)');
    expect(err.hint).toContain('execute-api:Invoke');
    expect(attaches).toEqual([]);
  });
});

describe('shutdown on signals', () => {
  const setup = () => {
    const signals = new EventEmitter();
    const events: string[] = [];
    let clock = 0;
    let release!: () => void;
    const stopping = new Promise<void>((r) => (release = r));
    installShutdown({
      signals,
      stop: async () => {
        events.push('stop');
        await stopping;
        events.push('detached');
      },
      stillAttached: () => ['fn-a', 'fn-b'],
      exit: (c) => events.push(`exit ${c}`),
      warn: (l) => events.push(`warn ${l}`),
      now: () => clock,
    });
    return { signals, events, release, advance: (ms: number) => (clock += ms) };
  };

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops the session (detach) and exits with %i; a second signal does not abandon the detach', async (signal, code) => {
    const { signals, events, release } = setup();
    signals.emit(signal);
    signals.emit(signal);
    expect(events).toEqual(['stop', expect.stringContaining('still detaching')]);
    release();
    await waitFor(() => events.includes(`exit ${code}`));
    expect(events.slice(2)).toEqual(['detached', `exit ${code}`]);
  });

  it('a third signal within a few seconds forces the exit and says what is still attached and how to fix it', async () => {
    const { signals, events, release, advance } = setup();
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    advance(FORCE_WINDOW_MS + 1);
    signals.emit('SIGTERM');
    expect(events.filter((e) => e.startsWith('exit'))).toEqual([]);
    advance(1000);
    signals.emit('SIGINT');
    expect(events.slice(-2)).toEqual(['warn exiting before the detach finished; still attached: fn-a, fn-b\n  -> run plldb detach --function fn-a --function fn-b', 'exit 130']);
    release();
    await waitFor(() => events.includes('detached'));
    expect(events.filter((e) => e.startsWith('exit'))).toEqual(['exit 130']);
  });
});

describe('session attachments', () => {
  it('a detach requested during an attach waits for it, and nothing is attached after it', async () => {
    const calls: string[] = [];
    let finishAttach!: () => void;
    const attacher = {
      attach: async (name: string, target: DebuggerTarget): Promise<AttachResult> => {
        calls.push(`attach ${name} ${target.connectionId}`);
        if (target.connectionId === 'conn-1') await new Promise<void>((r) => (finishAttach = r));
        calls.push(`attached ${name}`);
        return { functionName: name, functionArn: name, layerArn: 'l', runtime: 'nodejs22.x', firstAttach: true };
      },
      detach: async (name: string): Promise<DetachResult> => {
        calls.push(`detach ${name}`);
        return { status: 'restored', functionName: name };
      },
    };
    const attachments = new SessionAttachments(attacher, ['f'], 's', {}, () => undefined, () => undefined);
    const attaching = attachments.attachAll('conn-1');
    await waitFor(() => finishAttach);
    const detaching = attachments.detachAll();
    const lateReattach = attachments.attachAll('conn-2');
    finishAttach();
    await Promise.all([attaching, detaching, lateReattach]);
    expect(calls).toEqual(['attach f conn-1', 'attached f', 'detach f']);
  });
});
