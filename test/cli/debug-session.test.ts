import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebuggerRequestMessage } from '../../protocol/index.js';
import type { AttachOptions, AttachResult, DebuggerTarget, DetachResult } from '../../cli/src/attach/attacher.js';
import type { RequestTrust } from '../../cli/src/debug/attached-functions.js';
import { openWebSocket } from '../../cli/src/debug/connection.js';
import { ConnectionSwitch } from '../../cli/src/debug/connection-switch.js';
import type { SessionConnections } from '../../cli/src/debug/session-connections.js';
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
/** These tests are about the session's mechanics: each request runs by the configuration its message describes (request-trust.test.ts covers the trust boundary). */
const trustingFunctions = {
  trust: async (msg: DebuggerRequestMessage): Promise<RequestTrust> => ({
    kind: 'serve',
    fn: { name: msg.lambdaFunctionName, arn: msg.invokedFunctionArn, handler: msg.handler, runtime: msg.runtime, memorySize: 128, environment: msg.environmentVariables },
  }),
};

/** The session's connections as a table would keep them: what was recorded and moved, in order. */
class RecordedConnections implements SessionConnections {
  readonly calls: string[] = [];
  /** Request ids PENDING on another connection, which the next movePending moves. */
  waiting: string[] = [];
  async record(connectionId: string): Promise<void> {
    this.calls.push(`record ${connectionId}`);
  }
  async movePending(connectionId: string): Promise<string[]> {
    const moved = this.waiting.splice(0);
    this.calls.push(`movePending ${connectionId} [${moved.join(',')}]`);
    return moved;
  }
  async move(requestId: string, connectionId: string): Promise<boolean> {
    this.calls.push(`move ${requestId} ${connectionId}`);
    return true;
  }
}

describe('debug session against a WebSocket API stand-in', () => {
  let api: FakeApi;
  let runners: RunnerPool;
  let session: DebugSession;
  let sessionDeps: SessionDeps;
  let attaches: DebuggerTarget[];
  let detached: string[];
  let infos: string[];
  let warnings: string[];
  let table: RecordedConnections;
  const storedRequests = new Map<string, string>();
  const switchEvery = (replaceAfterMs?: number) =>
    new ConnectionSwitch({ table, ...(replaceAfterMs !== undefined ? { replaceAfterMs } : {}), info: (l) => infos.push(l), warn: (l) => warnings.push(l) });
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
    table = new RecordedConnections();
    const attacher = {
      attach: async (name: string, target: DebuggerTarget): Promise<AttachResult> => {
        attaches.push(target);
        return { status: 'attached', functionName: name, functionArn: `arn:${name}`, layerArn: 'layer', runtime: 'nodejs22.x', firstAttach: attaches.length === 1, notices: [] };
      },
      detach: async (name: string): Promise<DetachResult> => {
        detached.push(name);
        return { status: 'restored', functionName: name, kept: [] };
      },
      owner: async () => undefined,
    };
    const attachments = new SessionAttachments(attacher, ['node-fn'], 'session-x', {}, (l) => infos.push(l), (l) => warnings.push(l));
    sessionDeps = {
      connect: async (events) => openWebSocket(await presignWebSocketUrl(api.url, 'us-east-1', credentials), events),
      attachAll: (id) => attachments.attachAll(id),
      connections: switchEvery(),
      detachAll: () => attachments.detachAll(),
      serve: async (msg) => (await handleRequest(msg, { runners, items: { requestJson: async (id) => storedRequests.get(id) }, functions: trustingFunctions, codeDir: fixtures, warn: (l) => warnings.push(l) }))?.answer,
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

  it('connects with a SigV4-presigned URL, learns its id with whoami, records it as the session\'s and attaches with it', async () => {
    await expect(session.start()).resolves.toBe('conn-1');
    expect(attaches).toEqual([{ sessionId: 'session-x', connectionId: 'conn-1' }]);
    expect(table.calls).toEqual(['record conn-1', 'movePending conn-1 []']);
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

  it('reconnects when the connection drops and records the new connection as the session\'s, without re-attaching', async () => {
    await session.start();
    api.sockets.get('conn-1')!.terminate();
    await waitFor(() => infos.find((l) => l.includes('reconnected as conn-2')));
    expect(attaches).toEqual([{ sessionId: 'session-x', connectionId: 'conn-1' }]);
    expect(table.calls).toEqual(['record conn-1', 'movePending conn-1 []', 'record conn-2', 'movePending conn-2 []']);
    api.send('conn-2', request('req-after', 'node/esm.handler', 'nodejs22.x', {}, { connectionId: 'conn-2' }));
    await expect(waitFor(() => api.answers.find((a) => a.requestId === 'req-after'))).resolves.toMatchObject({ from: 'conn-2', statusCode: 200 });
  });

  describe('replacing the connection before API Gateway\'s 2-hour limit', () => {
    let releaseHeld!: () => void;
    beforeEach(() => {
      const held = new Promise<void>((r) => (releaseHeld = r));
      const serve = sessionDeps.serve;
      session = new DebugSession({
        ...sessionDeps,
        connections: switchEvery(300),
        // req-held stands for an invocation paused at a breakpoint.
        serve: async (msg) => (msg.requestId.startsWith('req-held') ? held.then(() => serve(msg)) : serve(msg)),
      });
    });

    it('make-before-break: opens and records the new connection, moves the waiting invocations, then closes the old; attaches once', async () => {
      await session.start();
      table.waiting = ['req-held'];
      api.send('conn-1', request('req-held', 'node/esm.handler', 'nodejs22.x', { held: true }));
      const oldClosed = new Promise((r) => api.sockets.get('conn-1')!.once('close', r));
      await waitFor(() => infos.find((l) => l.includes('now conn-2')));
      await oldClosed;
      expect(table.calls).toEqual(['record conn-1', 'movePending conn-1 []', 'record conn-2', 'movePending conn-2 [req-held]']);
      expect(attaches).toHaveLength(1);

      releaseHeld();
      const answer = await waitFor(() => api.answers.find((a) => a.requestId === 'req-held'));
      expect(answer).toMatchObject({ from: 'conn-2', statusCode: 200 });
      expect(JSON.parse(answer.response!)).toMatchObject({ echo: { held: true } });
      expect(table.calls.filter((c) => c.startsWith('move '))).toEqual([]);
      await waitFor(() => infos.find((l) => l.includes('now conn-3')));
      expect(attaches).toHaveLength(1);
      expect(warnings).toEqual([]);
    });

    it('an answer to a request sent to a connection the session left moves its invocation first', async () => {
      await session.start();
      api.send('conn-1', request('req-held-2', 'node/esm.handler', 'nodejs22.x', {}));
      await waitFor(() => infos.find((l) => l.includes('now conn-2')));
      releaseHeld();
      await expect(waitFor(() => api.answers.find((a) => a.requestId === 'req-held-2'))).resolves.toMatchObject({ from: 'conn-2' });
      expect(table.calls).toContain('move req-held-2 conn-2');
    });

    it('keeps the old connection when the new one cannot be recorded, and tries again', async () => {
      let failures = 1;
      const record = table.record.bind(table);
      table.record = async (id) => {
        if (id === 'conn-2' && failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
        await record(id);
      };
      await session.start();
      await waitFor(() => warnings.find((w) => w.includes('could not replace the WebSocket connection (ProvisionedThroughputExceededException)')));
      api.send('conn-1', request('req-still', 'node/esm.handler', 'nodejs22.x', {}));
      await expect(waitFor(() => api.answers.find((a) => a.requestId === 'req-still'))).resolves.toMatchObject({ from: 'conn-1' });
      await waitFor(() => infos.find((l) => l.includes('now conn-3')));
      expect(table.calls).toContain('record conn-3');
    });
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
        return { status: 'attached', functionName: name, functionArn: name, layerArn: 'l', runtime: 'nodejs22.x', firstAttach: true, notices: [] };
      },
      detach: async (name: string): Promise<DetachResult> => {
        calls.push(`detach ${name}`);
        return { status: 'restored', functionName: name, kept: [] };
      },
      owner: async () => undefined,
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

  it('a function another session took over is neither re-attached nor detached by this one, and it says so once', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const owner = { sessionId: 'thief', connectionId: 'c9', attachedAt: '', layerArn: 'l', addedEnv: [], command: 'debug' as const };
    const attacher = {
      attach: async (name: string, target: DebuggerTarget, options: AttachOptions = {}): Promise<AttachResult> => {
        calls.push(`attach ${name} ${target.connectionId}${options.resume ? ' resume' : ''}`);
        if (name === 'taken' && options.resume) return { status: 'lost', functionName: name, owner };
        return { status: 'attached', functionName: name, functionArn: name, layerArn: 'l', runtime: 'nodejs22.x', firstAttach: !options.resume, notices: [] };
      },
      detach: async (name: string, options: { sessionId?: string } = {}): Promise<DetachResult> => {
        calls.push(`detach ${name} for ${options.sessionId ?? '?'}`);
        return { status: 'restored', functionName: name, kept: [] };
      },
      owner: async () => undefined,
    };
    const attachments = new SessionAttachments(attacher, ['kept', 'taken'], 's', {}, () => undefined, (l) => warnings.push(l));
    await attachments.attachAll('conn-1');
    await attachments.attachAll('conn-2');
    await attachments.attachAll('conn-3');
    expect(attachments.holds('kept')).toBe(true);
    expect(attachments.holds('taken')).toBe(false);
    await attachments.detachAll();
    expect(calls).toEqual(['attach kept conn-1', 'attach taken conn-1', 'attach kept conn-2 resume', 'attach taken conn-2 resume', 'attach kept conn-3 resume', 'detach kept for s']);
    expect(warnings).toEqual(['taken was taken over by session thief: no longer debugging it here']);
  });

  it('notices a takeover between reconnects by reading the records, and stops holding that function', async () => {
    const warnings: string[] = [];
    const record = (sessionId: string) => ({ sessionId, connectionId: 'c', attachedAt: '', layerArn: 'l', addedEnv: [], command: 'debug' as const });
    let holder = 's';
    const attacher = {
      attach: async (name: string): Promise<AttachResult> => ({ status: 'attached', functionName: name, functionArn: name, layerArn: 'l', runtime: 'nodejs22.x', firstAttach: true, notices: [] }),
      detach: async (name: string): Promise<DetachResult> => ({ status: 'restored', functionName: name, kept: [] }),
      owner: async () => record(holder),
    };
    const attachments = new SessionAttachments(attacher, ['f'], 's', {}, () => undefined, (l) => warnings.push(l));
    await attachments.attachAll('conn-1');
    attachments.watch(5);
    await new Promise((r) => setTimeout(r, 30));
    expect(attachments.holds('f')).toBe(true);
    holder = 'thief';
    await waitFor(() => !attachments.holds('f'));
    await attachments.detachAll();
    expect(warnings).toEqual(['f was taken over by session thief: no longer debugging it here']);
  });
});
