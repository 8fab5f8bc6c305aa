import { afterAll, describe, expect, it } from '@jest/globals';
import { FunctionHost, LambdaServiceError } from '../../../sandbox/lambda/index.js';
import { isAlive, waitFor, writeHandlers } from './support.js';

describe('FunctionHost lifecycle', () => {
  const dirs = writeHandlers();
  afterAll(() => dirs.cleanup());

  it('lets an in-flight invocation finish on its old environment after an update, then serves from a new one', async () => {
    const host = new FunctionHost({ extraEnv: { MARKER: 'from-host' } });
    try {
      host.createFunction({ name: 'fn', runtime: 'nodejs24.x', handler: 'index.handler', codeDir: dirs.nodeDir, timeout: 5 });
      const inFlight = host.invoke('fn', JSON.stringify({ sleepMs: 300 }));
      await waitFor(() => host.instances('fn').some((i) => i.requestId !== undefined));
      host.updateFunctionConfiguration('fn', { environment: { MARKER: 'from-function' } });
      const old = JSON.parse((await inFlight).payload) as { marker: string; pid: number };
      expect(old.marker).toBe('from-host');
      const fresh = JSON.parse((await host.invoke('fn', '{}')).payload) as { marker: string; pid: number };
      expect(fresh.marker).toBe('from-function');
      expect(fresh.pid).not.toBe(old.pid);
      await waitFor(() => !isAlive(old.pid));
    } finally {
      await host.stop();
    }
  });

  it("reports Max Memory Used against the function's memory, and kills an environment that passes it as Lambda does", async () => {
    const host = new FunctionHost();
    try {
      host.createFunction({ name: 'fn', runtime: 'nodejs22.x', handler: 'index.handler', codeDir: dirs.nodeDir, timeout: 10, memorySize: 128 });
      const small = await host.invoke('fn', '{}', { logType: 'Tail' });
      expect(small.maxMemoryUsedMb).toBeGreaterThan(0);
      expect(small.maxMemoryUsedMb).toBeLessThanOrEqual(128);
      expect(Buffer.from(small.logResult ?? '', 'base64').toString('utf8')).toMatch(new RegExp(`Memory Size: 128 MB\tMax Memory Used: ${small.maxMemoryUsedMb} MB`));
      const [before] = host.instances('fn');
      const big = await host.invoke('fn', JSON.stringify({ holdMb: 200 }));
      expect(big.functionError).toBe('Unhandled');
      expect(JSON.parse(big.payload)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/signal: killed/) });
      expect(host.logs('fn').some((l) => l.line.includes('memory_exceeded'))).toBe(true);
      await waitFor(() => !isAlive(before?.pid ?? 0));
    } finally {
      await host.stop();
    }
  });

  it('stop() fails in-flight invocations, kills every runtime and refuses new invocations', async () => {
    const host = new FunctionHost();
    host.createFunction({ name: 'fn', runtime: 'nodejs22.x', handler: 'index.handler', codeDir: dirs.nodeDir, timeout: 30 });
    const inFlight = host.invoke('fn', JSON.stringify({ sleepMs: 20_000 }));
    await waitFor(() => host.instances('fn').some((i) => i.requestId !== undefined));
    const pids = host.instances('fn').map((i) => i.pid as number);
    await host.stop();
    const result = await inFlight;
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(pids.filter(isAlive)).toEqual([]);
    await expect(host.invoke('fn', '{}')).rejects.toBeInstanceOf(LambdaServiceError);
  });

  it.each([
    ['nodejs22.x', 'missing.handler', 'Runtime.ImportModuleError'],
    ['nodejs22.x', 'index.nothere', 'Runtime.HandlerNotFound'],
    ['python3.12', 'missing.handler', 'Runtime.ImportModuleError'],
    ['python3.12', 'app.nothere', 'Runtime.HandlerNotFound'],
  ])('reports a %s init error for handler %s as %s', async (runtime, handler, errorType) => {
    const host = new FunctionHost();
    try {
      host.createFunction({ name: 'fn', runtime, handler, codeDir: runtime.startsWith('python') ? dirs.pythonDir : dirs.nodeDir });
      const result = await host.invoke('fn', '{}');
      expect(result.functionError).toBe('Unhandled');
      expect(JSON.parse(result.payload)).toMatchObject({ errorType });
    } finally {
      await host.stop();
    }
  });

  it('accepts a runtime the sandbox cannot run and fails its invocations with a clear error', async () => {
    const host = new FunctionHost();
    try {
      host.createFunction({ name: 'java', runtime: 'java21', handler: 'example.Handler::handleRequest', codeDir: dirs.nodeDir });
      const result = await host.invoke('java', '{}');
      expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'Runtime.InvalidEntrypoint' });
      expect(result.payload).toContain('nodejs* and python3*');
    } finally {
      await host.stop();
    }
  });
});
