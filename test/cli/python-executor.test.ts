import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PythonHandlerRunner } from '../../cli/src/runners/python-runner.js';
import { invocation } from './helpers.js';

const codeDir = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'python');

describe('Python executor (real python3)', () => {
  let runner: PythonHandlerRunner;
  let output = '';
  const make = () => {
    output = '';
    runner = new PythonHandlerRunner({ codeDir, onOutput: (chunk) => (output += chunk.toString()) });
    return runner;
  };
  afterEach(async () => {
    await runner.close();
  });

  it('passes event, context and environment; the handler output stays out of the answer', async () => {
    const outcome = await make().run(invocation('app.handler', { hello: 'world', n: 1 }, 'req-42', { GREETING: 'hi' }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(JSON.parse(outcome.response)).toEqual({
      echo: { hello: 'world', n: 1 },
      requestId: 'req-42',
      functionName: 'demo',
      memory: 256,
      remainingPositive: true,
      greeting: 'hi',
      hasRedacted: false,
      price: 1.5,
    });
    expect(output).toContain('handler says hello on stdout');
    expect(output).toContain('and on stderr');
  });

  it('reports an exception with its type, message and traceback, and keeps serving', async () => {
    make();
    const failed = await runner.run(invocation('app.handler', { fail: 'boom' }, 'req-a'));
    expect(failed).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'ValueError', errorMessage: 'asked to fail: boom' }) });
    if (failed.ok) return;
    expect(failed.error.stackTrace.join('')).toMatch(/app\.py", line \d+, in handler/);
    expect(failed.error.stackTrace.join('')).not.toContain('plldb_executor');
    const next = await runner.run(invocation('app.handler', {}, 'req-b'));
    expect(next.ok).toBe(true);
  });

  it('reports import, missing-handler and serialization failures as Lambda does', async () => {
    make();
    await expect(runner.run(invocation('nope.handler', {}, 'r1'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ImportModuleError' }) });
    await expect(runner.run(invocation('app.missing', {}, 'r2'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.HandlerNotFound' }) });
    await expect(runner.run(invocation('app.not_serializable', {}, 'r3'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.MarshalError' }) });
  });

  it('answers an invocation whose handler exits the process, then starts a fresh one', async () => {
    make();
    await expect(runner.run(invocation('app.handler', { exit: true }, 'r-exit'))).resolves.toEqual({
      ok: false,
      error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('code 7') }),
    });
    await expect(runner.run(invocation('app.handler', {}, 'r-after'))).resolves.toMatchObject({ ok: true });
  });

  it('with debugpy, listens on the address and waits for the IDE before running the handler', async () => {
    const previous = process.env.PYTHONPATH;
    process.env.PYTHONPATH = join(codeDir, '..', 'fake-debugpy');
    try {
      output = '';
      runner = new PythonHandlerRunner({ codeDir, debugpy: '127.0.0.1:5999', onOutput: (chunk) => (output += chunk.toString()) });
      const outcome = await runner.run(invocation('app.handler', {}));
      expect(outcome).toEqual({ ok: true, response: expect.any(String) });
    } finally {
      if (previous === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = previous;
    }
    const listenAt = output.indexOf('fake-debugpy listen 127.0.0.1:5999');
    const attachedAt = output.indexOf('fake-debugpy client attached');
    const handlerAt = output.indexOf('handler says hello');
    expect([listenAt >= 0, listenAt < attachedAt, attachedAt < handlerAt]).toEqual([true, true, true]);
  });

  it('says what to do when the interpreter is missing', async () => {
    runner = new PythonHandlerRunner({ codeDir, python: 'python3-does-not-exist' });
    await expect(runner.run(invocation('app.handler', {}))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorMessage: expect.stringContaining('--python') }) });
  });
});
