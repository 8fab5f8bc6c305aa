import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STACK_NAME, Env, StackOutput } from '../../protocol/index.js';
import { runDebug, type DebugHost } from '../../cli/src/commands/debug.js';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { FakeAws, functionConfig, STACK_OUTPUTS, useDummyAwsEnvironment } from './aws-fakes.js';
import { FakeApi } from './fake-api.js';
import { contextData, request, waitFor } from './helpers.js';

const examples = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'examples');
const aws = new FakeAws();
/** A configuration without its RevisionId (every update changes it). */
const settings = (config: FunctionConfiguration) => ({ ...config, RevisionId: undefined });

describe('plldb debug (mocked AWS, WebSocket API stand-in)', () => {
  let api: FakeApi;
  let host: DebugHost & { events: EventEmitter };
  let lines: string[];
  let exitCodes: number[];
  let stateDir: string;

  beforeAll(useDummyAwsEnvironment);

  beforeEach(async () => {
    api = await FakeApi.start();
    aws.reset({ ...STACK_OUTPUTS, [StackOutput.WebSocketUrl]: api.url });
    stateDir = mkdtempSync(join(tmpdir(), 'plldb-debug-'));
    process.env.PLLDB_STATE_DIR = stateDir;
    lines = [];
    exitCodes = [];
    host = { events: new EventEmitter(), exit: (code) => exitCodes.push(code), info: (l) => lines.push(l), warn: (l) => lines.push(`WARN ${l}`) };
  });

  afterEach(async () => {
    if (exitCodes.length === 0) host.events.emit('SIGTERM');
    await waitFor(() => exitCodes.length > 0);
    await api.close();
    delete process.env.PLLDB_STATE_DIR;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('attaches, serves Node.js and Python invocations, and restores both functions on SIGTERM', async () => {
    const nodeFn = functionConfig('node-fn', { Environment: { Variables: { GREETING: 'hi' } }, Timeout: 10, Handler: 'node/index.handler' });
    const pyFn = functionConfig('py-fn', { Runtime: 'python3.12', Architectures: ['arm64'], Handler: 'python/app.handler' });
    aws.addFunction(nodeFn);
    aws.addFunction(pyFn);
    await runDebug({ function: ['node-fn', 'py-fn'], code: examples, stack: DEFAULT_STACK_NAME, python: 'python3', timeout: 900 }, host);

    expect(aws.current('node-fn').Environment?.Variables).toMatchObject({ GREETING: 'hi', [Env.ConnectionId]: 'conn-1' });
    expect(aws.current('py-fn').Layers).toEqual([{ Arn: STACK_OUTPUTS[StackOutput.StandaloneLayerArm64Arn] }]);
    expect(aws.current('py-fn').Timeout).toBe(900);
    expect(lines).toContainEqual(expect.stringMatching(/^debugging node-fn, py-fn \(session [0-9a-f-]{36}, connection conn-1\)/));
    expect(aws.recordedConnections).toEqual(['conn-1']);

    // Requests name this session; handler and environment come from the functions' configuration.
    const sessionId = aws.current('node-fn').Environment?.Variables?.[Env.SessionId] as string;
    api.send('conn-1', request('req-node', 'node/index.handler', 'nodejs22.x', { name: 'Ada' }, { sessionId, lambdaFunctionName: 'node-fn' }));
    api.send('conn-1', request('req-py', 'python/app.handler', 'python3.12', { fail: true }, { sessionId, lambdaFunctionName: 'py-fn' }));
    await waitFor(() => api.answers.length === 2);
    expect(JSON.parse(api.answers.find((a) => a.requestId === 'req-node')!.response!)).toMatchObject({ message: expect.stringContaining('Hello, Ada') });
    expect(api.answers.find((a) => a.requestId === 'req-py')).toMatchObject({ statusCode: 500, errorType: 'GreetingError' });
    // Each line is printed once the API confirmed the answer.
    await waitFor(() => lines.find((l) => /^\d\d:\d\d:\d\d {2}node-fn {2}req-node {2}\d+ ms {2}ok$/.test(l)));
    await waitFor(() => lines.find((l) => /^\d\d:\d\d:\d\d {2}py-fn {2}req-py {2}\d+ ms {2}error GreetingError: asked to fail/.test(l)));

    host.events.emit('SIGTERM');
    await waitFor(() => exitCodes.length > 0);
    expect(exitCodes).toEqual([143]);
    expect(settings(aws.current('node-fn'))).toEqual(settings(nodeFn));
    expect(settings(aws.current('py-fn'))).toEqual(settings(pyFn));
    expect(aws.policies.size + aws.tags.size).toBe(0);
  });

  it('detaches what it attached when a later function is refused, and exits 1 saying why', async () => {
    const nodeFn = functionConfig('node-fn');
    aws.addFunction(nodeFn);
    aws.addFunction(functionConfig('old-fn', { Runtime: 'python3.9' }));
    await runDebug({ function: ['node-fn', 'old-fn'], code: examples, stack: DEFAULT_STACK_NAME, python: 'python3' }, host);
    await waitFor(() => exitCodes.length > 0);
    expect(exitCodes).toEqual([1]);
    expect(lines).toContainEqual(expect.stringContaining('old-fn uses runtime python3.9'));
    expect(settings(aws.current('node-fn'))).toEqual(settings(nodeFn));
  });

  it('a handler that spins, exits or kills its own process leaves the other functions answering, and Ctrl+C still detaches', async () => {
    const nodeFn = functionConfig('node-fn', { Handler: 'faults/index.spin' });
    const otherFn = functionConfig('other-fn', { Handler: 'faults/index.ok' });
    aws.addFunction(nodeFn);
    aws.addFunction(otherFn);
    await runDebug({ function: ['node-fn', 'other-fn'], code: join(examples, '..', 'test', 'cli', 'fixtures'), stack: DEFAULT_STACK_NAME, python: 'python3' }, host);
    const sessionId = aws.current('node-fn').Environment?.Variables?.[Env.SessionId] as string;
    api.send('conn-1', request('req-exit', 'faults/index.spin', 'nodejs22.x', { exit: true }, { sessionId }));
    api.send('conn-1', request('req-kill', 'faults/index.spin', 'nodejs22.x', { kill: true }, { sessionId }));
    api.send('conn-1', request('req-spin', 'faults/index.spin', 'nodejs22.x', {}, { sessionId, context: contextData('req-spin', { deadlineMs: Date.now() + 1000 }) }));
    api.send('conn-1', request('req-other', 'faults/index.ok', 'nodejs22.x', {}, { sessionId, lambdaFunctionName: 'other-fn' }));
    await waitFor(() => api.answers.length === 3);
    expect(api.answers.find((a) => a.requestId === 'req-other')).toMatchObject({ statusCode: 200 });
    expect(api.answers.find((a) => a.requestId === 'req-exit')).toMatchObject({ statusCode: 500, errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-exit Error: Runtime exited with error: exit status 2' });
    expect(api.answers.find((a) => a.requestId === 'req-kill')).toMatchObject({ statusCode: 500, errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-kill Error: Runtime exited with error: signal: killed' });
    // The spinning one passes its deadline: one line says so, and nothing is sent (the caller has the runtime's timeout).
    await waitFor(() => lines.find((l) => /node-fn {2}req-spin {2}\d+ ms {2}timed out: the deadline passed first/.test(l)));
    expect(api.answers.map((a) => a.requestId).sort()).toEqual(['req-exit', 'req-kill', 'req-other']);
    host.events.emit('SIGINT');
    await waitFor(() => exitCodes.length > 0);
    expect(exitCodes).toEqual([130]);
    expect(settings(aws.current('node-fn'))).toEqual(settings(nodeFn));
    expect(settings(aws.current('other-fn'))).toEqual(settings(otherFn));
  });

  it('an answer the API refuses (it came too late) is reported as refused, never ok', async () => {
    aws.addFunction(functionConfig('node-fn', { Handler: 'node/index.handler' }));
    await runDebug({ function: ['node-fn'], code: examples, stack: DEFAULT_STACK_NAME, python: 'python3' }, host);
    const sessionId = aws.current('node-fn').Environment?.Variables?.[Env.SessionId] as string;
    api.refuseAnswers = 'request req-late is TIMED_OUT, no longer waiting for an answer';
    api.send('conn-1', request('req-late', 'node/index.handler', 'nodejs22.x', { name: 'Ada' }, { sessionId }));
    const line = await waitFor(() => lines.find((l) => l.includes('req-late')));
    expect(line).toMatch(/ {2}refused: the function did not get this answer \(ok\): request req-late is TIMED_OUT, no longer waiting for an answer$/);
    expect(lines.filter((l) => l.includes('req-late'))).toHaveLength(1);
  });


  it.each([
    [{ code: '/no/such/folder' }, '--code /no/such/folder: no such folder'],
    [{ code: join(examples, 'node', 'index.mjs') }, 'is a file, not a folder'],
    [{ debugpy: 'localhost:99999' }, '--debugpy localhost:99999: not a valid address'],
    [{ python: 'python3-does-not-exist' }, '--python python3-does-not-exist: not found'],
  ])('checks %j before attaching anything', async (options, message) => {
    aws.addFunction(functionConfig('node-fn'));
    await expect(runDebug({ function: ['node-fn'], code: examples, stack: DEFAULT_STACK_NAME, python: 'python3', ...options }, host)).rejects.toThrow(message);
    expect(settings(aws.current('node-fn'))).toEqual(settings(functionConfig('node-fn')));
    exitCodes.push(1);
  });

  it('raises the timeout to 900 s by default, says so, and restores it; exits 130 on Ctrl+C', async () => {
    aws.addFunction(functionConfig('node-fn'));
    await runDebug({ function: ['node-fn'], code: examples, stack: DEFAULT_STACK_NAME, python: 'python3' }, host);
    expect(aws.current('node-fn').Timeout).toBe(900);
    expect(lines).toContainEqual(expect.stringMatching(/^attached node-fn \(nodejs22\.x, layer .*\); timeout 3 s -> 900 s while attached \(restored at detach\)$/));
    host.events.emit('SIGINT');
    await waitFor(() => exitCodes.length > 0);
    expect(exitCodes).toEqual([130]);
    expect(settings(aws.current('node-fn'))).toEqual(settings(functionConfig('node-fn')));
  });
});
