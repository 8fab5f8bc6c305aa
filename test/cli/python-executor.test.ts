import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../cli/src/errors.js';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool, type PythonSetup } from '../../cli/src/runners/runner-pool.js';
import { invocation } from './helpers.js';

const codeDir = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'python');

describe('Python executor (real python3)', () => {
  let python: PythonSetup;
  let pool: RunnerPool;
  let output = '';
  const run = (...args: Parameters<typeof invocation>) => pool.runnerFor('demo', 'python3.12')!.run(invocation(...args));

  beforeAll(async () => {
    python = await checkPython('python3');
  });
  const make = () => {
    output = '';
    pool = new RunnerPool({ codeDir, python, output: (_fn, line) => (output += `${line}\n`), info: () => undefined, warn: () => undefined });
  };
  afterEach(async () => {
    await pool.close();
  });

  it('passes event, context and environment; the handler output stays out of the answer', async () => {
    make();
    const outcome = await run('app.handler', { hello: 'world', n: 1 }, 'req-42', { GREETING: 'hi' });
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
    const failed = await run('app.handler', { fail: 'boom' }, 'req-a');
    expect(failed).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'ValueError', errorMessage: 'asked to fail: boom' }) });
    if (failed.ok) return;
    expect(failed.error.stackTrace.join('')).toMatch(/app\.py", line \d+, in handler/);
    expect(failed.error.stackTrace.join('')).not.toContain('plldb_executor');
    const next = await run('app.handler', {}, 'req-b');
    expect(next.ok).toBe(true);
  });

  it('reports import, missing-handler and serialization failures as Lambda does', async () => {
    make();
    await expect(run('nope.handler', {}, 'r1')).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ImportModuleError' }) });
    await expect(run('app.missing', {}, 'r2')).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.HandlerNotFound' }) });
    await expect(run('app.not_serializable', {}, 'r3')).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.MarshalError' }) });
  });

  it('checks the interpreter at start and says what to do', async () => {
    await expect(checkPython('python3-does-not-exist')).rejects.toEqual(expect.objectContaining({ message: expect.stringContaining('not found'), hint: expect.stringContaining('--python') }));
    const notDebugpy = await checkPython('python3', { host: '127.0.0.1', port: 5678 }).catch((err: unknown) => err);
    if (notDebugpy instanceof CliError) expect(notDebugpy.hint).toMatch(/^run: \/.*python3?[\d.]* -m pip install debugpy$/);
  });

  it('refuses at start a debugpy without the in-process adapter, and says how to upgrade', async () => {
    const previous = process.env.PYTHONPATH;
    process.env.PYTHONPATH = join(codeDir, '..', 'old-debugpy');
    try {
      await expect(checkPython('python3', { host: '127.0.0.1', port: 5678 })).rejects.toEqual(
        expect.objectContaining({ message: expect.stringMatching(/^--debugpy: debugpy 1\.5\.1 for \/.* is too old/), hint: expect.stringMatching(/ -m pip install --upgrade debugpy$/) }),
      );
    } finally {
      if (previous === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = previous;
    }
  });
});
