import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool, type RunnerPoolOptions } from '../../cli/src/runners/runner-pool.js';
import type { Invocation, Outcome } from '../../cli/src/runners/types.js';
import { contextData, waitFor } from './helpers.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
let count = 0;

/** An invocation of `functionName` with Lambda's identity variable and the given extra variables. */
function call(functionName: string, handler: string, runtime: string, event: unknown = {}, env: Record<string, string> = {}, context: Partial<Invocation['context']> = {}): Invocation {
  const requestId = `req-${++count}`;
  return { functionName, handler, runtime, event, context: contextData(requestId, { functionName, ...context }), environment: { AWS_LAMBDA_FUNCTION_NAME: functionName, ...env } };
}

const parsed = (outcome: Outcome): Record<string, unknown> => {
  if (!outcome.ok) throw new Error(`expected a result, got ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return JSON.parse(outcome.response) as Record<string, unknown>;
};

describe('local execution environments (real worker threads and Python processes)', () => {
  let pool: RunnerPool;
  const infos: string[] = [];
  const output: string[] = [];
  const make = (options: Partial<RunnerPoolOptions> = {}) => {
    pool = new RunnerPool({ codeDir: fixtures, info: (l) => infos.push(l), warn: (l) => infos.push(`WARN ${l}`), output: (fn, line, stream) => output.push(`${fn} ${stream} ${line}`), graceMs: 100, ...options });
    return pool;
  };
  const node = (fn: string) => pool.runnerFor(fn, 'nodejs20.x')!;

  beforeAll(() => {
    process.env.PLLDB_TEST_CLI_ONLY = 'the CLI\'s own variable';
  });
  afterAll(() => {
    delete process.env.PLLDB_TEST_CLI_ONLY;
  });
  afterEach(async () => {
    await pool.close();
    infos.length = 0;
    output.length = 0;
  });

  it('two functions with one handler file keep their own variables and module state, under concurrency', async () => {
    make({ concurrency: 2 });
    const a = (waitMs: number) => node('fn-a').run(call('fn-a', 'node/faults.state', 'nodejs20.x', { waitMs }, { TAX_RATE: '0.2' }));
    const b = (waitMs: number) => node('fn-b').run(call('fn-b', 'node/faults.state', 'nodejs20.x', { waitMs }, { TAX_RATE: '0.07' }));
    const outcomes = (await Promise.all([a(150), b(100), a(50), b(150), a(10)])).map(parsed);
    for (const [i, outcome] of outcomes.entries()) {
      const [name, rate] = [0, 2, 4].includes(i) ? ['fn-a', '0.2'] : ['fn-b', '0.07'];
      expect(outcome).toMatchObject({ before: { name, rate }, after: { name, rate }, cliVariable: null });
    }
    // fn-a ran three invocations at once with at most two environments: one of them waited and reused a warm one.
    expect(outcomes.filter((_, i) => [0, 2, 4].includes(i)).map((o) => o.calls).sort()).toEqual([1, 1, 2]);
    expect(process.env.TAX_RATE).toBeUndefined();
  });

  it.each([
    ['process.exit', 'exits', { errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/^RequestId: req-\d+ Error: Runtime exited with error: exit status 3$/) }],
    ['a throw from a timer', 'timerThrows', { errorType: 'TypeError', errorMessage: 'thrown from a timer' }],
    ['an unhandled rejection', 'rejects', { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'RangeError: nobody handles this' }],
  ])('%s ends only that invocation and its environment; the function and the others go on', async (_name, handler, error) => {
    make();
    const failed = await node('fn-a').run(call('fn-a', `node/faults.${handler}`, 'nodejs20.x'));
    expect(failed).toEqual({ ok: false, error: expect.objectContaining(error) });
    expect(parsed(await node('fn-a').run(call('fn-a', 'node/faults.state', 'nodejs20.x')))).toMatchObject({ calls: 1 });
    expect(parsed(await node('fn-b').run(call('fn-b', 'node/esm.handler', 'nodejs20.x')))).toMatchObject({ echo: {} });
  });

  it.each([
    ['SIGKILL', { signal: 'SIGKILL' }, 'signal: killed'],
    ['SIGSEGV', { signal: 'SIGSEGV' }, 'signal: segmentation fault'],
    ['SIGTERM to its process group', { signal: 'SIGTERM', pid: 'group' }, 'signal: terminated'],
  ])('a handler that sends its own process %s ends only that invocation, as Lambda reports it; plldb and the others go on', async (_name, event, how) => {
    make();
    const failed = await node('fn-a').run(call('fn-a', 'node/faults.signalsItself', 'nodejs20.x', event));
    expect(failed).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(new RegExp(`^RequestId: req-\\d+ Error: Runtime exited with error: ${how}$`)) }) });
    expect(parsed(await node('fn-a').run(call('fn-a', 'node/faults.state', 'nodejs20.x')))).toMatchObject({ calls: 1 });
    expect(parsed(await node('fn-b').run(call('fn-b', 'node/esm.handler', 'nodejs20.x')))).toMatchObject({ echo: {} });
  });

  it('process.abort() ends only that invocation (signal: aborted); checking the process with signal 0 still works', async () => {
    make();
    await expect(node('fn-a').run(call('fn-a', 'node/faults.aborts', 'nodejs20.x'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Runtime exited with error: signal: aborted$/) }) });
    await expect(node('fn-a').run(call('fn-a', 'node/faults.checksItself', 'nodejs20.x'))).resolves.toEqual({ ok: true, response: 'true' });
  });

  it('a handler that stops its own process (SIGSTOP) stops only its environment: the invocation times out, the environment is killed', async () => {
    make();
    const stopped = node('fn-a').run(call('fn-a', 'node/faults.signalsItself', 'nodejs20.x', { signal: 'SIGSTOP' }, {}, { deadlineMs: Date.now() + 1000 }));
    expect(parsed(await node('fn-b').run(call('fn-b', 'node/esm.handler', 'nodejs20.x')))).toMatchObject({ echo: {} });
    await expect(stopped).resolves.toMatchObject({ ok: false, timedOut: true });
    await waitFor(() => infos.find((l) => l.includes('environment killed')));
    expect(parsed(await node('fn-a').run(call('fn-a', 'node/faults.state', 'nodejs20.x')))).toMatchObject({ calls: 1 });
  });

  it('an endless loop times out at the deadline while other functions answer; its environment is killed after the grace period', async () => {
    make();
    const spinning = node('fn-a').run(call('fn-a', 'node/faults.spins', 'nodejs20.x', {}, {}, { deadlineMs: Date.now() + 1500 }));
    expect(parsed(await node('fn-b').run(call('fn-b', 'node/esm.handler', 'nodejs20.x', { during: 'spin' })))).toMatchObject({ echo: { during: 'spin' } });
    await expect(spinning).resolves.toEqual({ ok: false, timedOut: true, error: expect.objectContaining({ errorType: 'Sandbox.Timedout' }) });
    await waitFor(() => infos.find((l) => l.includes('environment killed')));
    expect(parsed(await node('fn-a').run(call('fn-a', 'node/faults.state', 'nodejs20.x')))).toMatchObject({ calls: 1 });
  });

  it('running out of the function\'s memory is reported as Lambda does', async () => {
    make();
    const outcome = await node('fn-a').run(call('fn-a', 'node/faults.eatsMemory', 'nodejs20.x', {}, {}, { memoryLimitInMB: '32' }));
    expect(outcome).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('signal: killed (out of memory') }) });
  });

  it('prefixes each line a handler prints with its function', async () => {
    make();
    await node('fn-a').run(call('fn-a', 'node/faults.printsTwoLines', 'nodejs20.x'));
    await waitFor(() => output.length === 3);
    expect(output.sort()).toEqual(['fn-a stderr on stderr', 'fn-a stdout first line', 'fn-a stdout second line']);
  });

  it('runs ESM, CommonJS and TypeScript handlers; TypeScript stack traces point at the .ts source; nothing is left behind', async () => {
    make();
    expect(parsed(await node('fn-a').run(call('fn-a', 'node/legacy.handler', 'nodejs20.x', { n: 3 })))).toEqual({ cjs: true, n: 3 });
    expect(parsed(await node('fn-b').run(call('fn-b', 'node/typed.handler', 'nodejs20.x', { n: 21 })))).toEqual({ doubled: 42 });
    const failed = await node('fn-b').run(call('fn-b', 'node/typed.handler', 'nodejs20.x', { n: -1 }));
    expect(failed).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'RangeError', stackTrace: expect.arrayContaining([expect.stringMatching(/typed\.ts:\d+:\d+/)]) }) });
    expect(readdirSync(join(fixtures, 'node')).filter((f) => f.includes('.plldb-'))).toEqual([]);
    await expect(node('fn-c').run(call('fn-c', 'node/nothere.handler', 'nodejs20.x'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ImportModuleError' }) });
    await expect(node('fn-c').run(call('fn-c', 'node/esm.nope', 'nodejs20.x'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.HandlerNotFound' }) });
  });

  describe('with a project folder that changes', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'plldb-reload-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Writes a file with a modification time that surely differs from the last one. */
    const write = (name: string, text: string, stamp: number) => {
      writeFileSync(join(dir, name), text);
      utimesSync(join(dir, name), stamp, stamp);
    };

    it('an edit to a module the handler imports takes effect on the next invocation, and the log says so', async () => {
      write('lib.ts', 'export const version = 1;\n', 1000);
      write('app.ts', "import { version } from './lib.js';\nexport const handler = async () => ({ version });\n", 1000);
      make({ codeDir: dir });
      expect(parsed(await node('fn-a').run(call('fn-a', 'app.handler', 'nodejs20.x')))).toEqual({ version: 1 });
      write('lib.ts', 'export const version = 2;\n', 2000);
      expect(parsed(await node('fn-a').run(call('fn-a', 'app.handler', 'nodejs20.x')))).toEqual({ version: 2 });
      expect(infos).toContainEqual('fn-a: lib.ts changed; reloaded');
    });

    it('an edit to a Python module the handler imports takes effect on the next invocation', async () => {
      write('settings.py', 'VERSION = 1\n', 1000);
      write('pyapp.py', 'import settings\n\n\ndef handler(event, context):\n    return {"version": settings.VERSION}\n', 1000);
      const python = await checkPython('python3');
      make({ codeDir: dir, python });
      const run = () => pool.runnerFor('py-a', `python${python.version}`)!.run(call('py-a', 'pyapp.handler', `python${python.version}`));
      expect(parsed(await run())).toEqual({ version: 1 });
      write('settings.py', 'VERSION = 2\n', 2000);
      expect(parsed(await run())).toEqual({ version: 2 });
      expect(infos).toContainEqual('py-a: settings.py changed; reloaded');
    });

    it('a TypeScript compile error names file, line and column', async () => {
      write('broken.ts', 'export const handler = async () => {\n  return { a: ;\n};\n', 1000);
      make({ codeDir: dir });
      const outcome = await node('fn-a').run(call('fn-a', 'broken.handler', 'nodejs20.x'));
      expect(outcome).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.UserCodeSyntaxError', errorMessage: expect.stringContaining(`${join(dir, 'broken.ts')}:2:15`) }) });
    });
  });

  describe('Python', () => {
    let python: Awaited<ReturnType<typeof checkPython>>;
    beforeAll(async () => {
      python = await checkPython('python3');
    });
    const py = (fn: string) => pool.runnerFor(fn, `python${python.version}`)!;
    const pyCall = (fn: string, handler: string, event: unknown = {}, env: Record<string, string> = {}, context: Partial<Invocation['context']> = {}) => call(fn, handler, `python${python.version}`, event, env, context);

    it('one process per function: each sees only its own variables', async () => {
      make({ python });
      const [a, b] = await Promise.all([py('py-a').run(pyCall('py-a', 'python/loops.env', {}, { TAX_RATE: '0.2' })), py('py-b').run(pyCall('py-b', 'python/loops.env', {}, { TAX_RATE: '0.07' }))]);
      expect(parsed(a)).toEqual({ name: 'py-a', rate: '0.2', cliVariable: null });
      expect(parsed(b)).toEqual({ name: 'py-b', rate: '0.07', cliVariable: null });
    });

    it('an endless Python loop times out, its process is killed, and the function answers again', async () => {
      make({ python });
      const spinning = py('py-a').run(pyCall('py-a', 'python/loops.spin', {}, {}, { deadlineMs: Date.now() + 1500 }));
      expect(parsed(await py('py-b').run(pyCall('py-b', 'python/loops.env')))).toMatchObject({ name: 'py-b' });
      await expect(spinning).resolves.toMatchObject({ ok: false, timedOut: true });
      await waitFor(() => infos.find((l) => l.includes('environment killed')));
      expect(parsed(await py('py-a').run(pyCall('py-a', 'python/loops.env')))).toMatchObject({ name: 'py-a' });
    });

    it('a handler that exits is reported as Runtime.ExitError, then a fresh process answers', async () => {
      make({ python });
      await expect(py('py-a').run(pyCall('py-a', 'python/app.handler', { exit: true }))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 7') }) });
      expect(parsed(await py('py-a').run(pyCall('py-a', 'python/app.handler', {}, { GREETING: 'again' })))).toMatchObject({ greeting: 'again' });
    });

    it('a handler whose process crashes (SIGSEGV) is reported as Lambda does, then a fresh process answers', async () => {
      make({ python });
      await expect(py('py-a').run(pyCall('py-a', 'python/loops.segfaults'))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Runtime exited with error: signal: segmentation fault$/) }) });
      expect(parsed(await py('py-a').run(pyCall('py-a', 'python/loops.env')))).toMatchObject({ name: 'py-a' });
    });

    it('an executor exits when plldb dies, even killed, even while its handler spins; a terminal\'s Ctrl+C does not reach it', async () => {
      make();
      const holder = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'hold-python.ts')], { cwd: join(fixtures, '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        let said = '';
        holder.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
        const pid = Number((await waitFor(() => /executor pid (\d+)/.exec(said) ?? undefined))[1]);
        const alive = () => {
          try {
            process.kill(pid, 0);
            return true;
          } catch {
            return false;
          }
        };
        // Its own process group: a Ctrl+C in plldb's terminal goes to plldb's group, not to the executor.
        expect(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)]).toString().trim()).toBe(String(pid));
        holder.kill('SIGKILL');
        await waitFor(() => !alive() || undefined);
      } finally {
        holder.kill('SIGKILL');
      }
    });

    it('with debugpy, each function\'s environment listens on its own port from the start, printed', async () => {
      const previous = process.env.PYTHONPATH;
      process.env.PYTHONPATH = join(fixtures, 'fake-debugpy');
      try {
        python = await checkPython('python3', { host: '127.0.0.1', port: 5990 });
      } finally {
        if (previous === undefined) delete process.env.PYTHONPATH;
        else process.env.PYTHONPATH = previous;
      }
      make({ python });
      pool.prestartPython('py-a', `python${python.version}`);
      pool.prestartPython('py-b', `python${python.version}`);
      expect(infos).toEqual(['py-a: environment 1 listens for debugpy on 127.0.0.1:5990', 'py-b: environment 1 listens for debugpy on 127.0.0.1:5991']);
      await waitFor(() => output.length >= 2);
      expect(output.sort()).toEqual(['py-a stderr fake-debugpy listen 127.0.0.1:5990', 'py-b stderr fake-debugpy listen 127.0.0.1:5991']);
      // An IDE attaches to each port before any invocation; then both functions answer.
      for (const port of [5990, 5991]) {
        const socket = connect(port, '127.0.0.1');
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        socket.destroy();
      }
      const [a, b] = await Promise.all([py('py-a').run(pyCall('py-a', 'python/loops.env')), py('py-b').run(pyCall('py-b', 'python/loops.env'))]);
      expect([parsed(a), parsed(b)]).toMatchObject([{ name: 'py-a' }, { name: 'py-b' }]);
      expect(output.filter((l) => l.endsWith('client attached')).sort()).toEqual(['py-a stderr fake-debugpy client attached', 'py-b stderr fake-debugpy client attached']);
    });
  });
});
