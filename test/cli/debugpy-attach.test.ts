import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import type { Outcome } from '../../cli/src/runners/types.js';
import { attachDebugpy, DapClient } from '../support/dap-client.js';
import { contextData, waitFor } from './helpers.js';

/** The interpreter CI gives debugpy (Debian's python3-debugpy, see .ci/run). */
const PYTHON = '/usr/bin/python3';
const hasDebugpy = spawnSync(PYTHON, ['-c', 'import debugpy'], { stdio: 'ignore' }).status === 0;
const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const handlerFile = join(fixtures, 'python', 'breaks.py');
const lineOf = (marker: string) => readFileSync(handlerFile, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
const breakpointLine = lineOf('# breakpoint here');

/** Two consecutive free ports on 127.0.0.1 (plldb gives each Python environment the next port). */
async function freePortPair(): Promise<number> {
  const free = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer().once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
  for (;;) {
    const first = await free(0);
    if (first !== undefined && first < 65535 && (await free(first + 1)) !== undefined) return first;
  }
}

const parsed = (outcome: Outcome): unknown => {
  if (!outcome.ok) throw new Error(`expected a result, got ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return JSON.parse(outcome.response);
};

/** A test that needs debugpy for /usr/bin/python3: skipped, saying why, where it is missing (CI installs it). */
const withDebugpy = (name: string, fn: () => Promise<void>) =>
  hasDebugpy ? it(name, fn) : it.skip(`${name} (skipped: ${PYTHON} has no debugpy; apt-get install python3-debugpy)`, fn);

describe('debugpy (real, Debian python3-debugpy)', () => {
  let pool: RunnerPool | undefined;
  const clients: DapClient[] = [];
  afterEach(async () => {
    // plldb stops while the IDE is still attached, as when Ctrl+C ends a session.
    await pool?.close();
    pool = undefined;
    for (const client of clients.splice(0)) client.close();
  });

  withDebugpy('two Python functions at once: a DAP client attached to each stops at its own breakpoint, continues, and the invocations answer', async () => {
    const port = await freePortPair();
    const python = await checkPython(PYTHON, { host: '127.0.0.1', port });
    const infos: string[] = [];
    const output: string[] = [];
    pool = new RunnerPool({ codeDir: fixtures, python, info: (l) => infos.push(l), output: (fn, line) => output.push(`${fn} ${line}`) });
    const runtime = `python${python.version}`;
    // As `plldb debug --debugpy` does at start: every Python function's first environment listens before any invocation.
    pool.prestartPython('py-a', runtime);
    pool.prestartPython('py-b', runtime);
    expect(infos).toEqual([`py-a: environment 1 listens for debugpy on 127.0.0.1:${port}`, `py-b: environment 1 listens for debugpy on 127.0.0.1:${port + 1}`]);

    const [a, b] = await Promise.all([DapClient.connect(port), DapClient.connect(port + 1)]);
    clients.push(a, b);
    await Promise.all([a, b].map((client) => attachDebugpy(client, [{ path: handlerFile, lines: [breakpointLine] }])));

    const invoke = (functionName: string, n: number) =>
      pool!.runnerFor(functionName, runtime)!.run({
        functionName,
        handler: 'python/breaks.handler',
        runtime,
        event: { n },
        environment: { AWS_LAMBDA_FUNCTION_NAME: functionName },
        context: contextData(`req-${functionName}`, { functionName, deadlineMs: Date.now() + 120_000 }),
      });
    const runs = [invoke('py-a', 1), invoke('py-b', 2)];

    for (const [client, functionName] of [[a, 'py-a'], [b, 'py-b']] as const) {
      const stopped = await client.nextEvent('stopped');
      expect(stopped.body).toMatchObject({ reason: 'breakpoint' });
      const threadId = stopped.body!.threadId as number;
      const { body: trace } = await client.request('stackTrace', { threadId });
      const [top] = trace!.stackFrames as { name: string; line: number; source: { path: string }; id: number }[];
      expect(top).toMatchObject({ name: 'handler', line: breakpointLine, source: { path: handlerFile } });
      // The paused frame is this client's function's: its context names it.
      const { body: value } = await client.request('evaluate', { expression: 'context.function_name', frameId: top!.id, context: 'watch' });
      expect(value).toMatchObject({ result: `'${functionName}'` });
      await client.request('continue', { threadId });
    }

    expect((await Promise.all(runs)).map(parsed)).toEqual([
      { function: 'py-a', doubled: 2 },
      { function: 'py-b', doubled: 4 },
    ]);
    // Nothing of debugpy's in the functions' output (on Python 3.11+ it warns about frozen modules unless they are off).
    expect(output.filter((l) => /debugger|frozen/i.test(l))).toEqual([]);
  });

  withDebugpy('an environment replaced after a fault listens on the same port: the IDE attaches again and stops at its breakpoint', async () => {
    const port = await freePortPair();
    const python = await checkPython(PYTHON, { host: '127.0.0.1', port });
    const infos: string[] = [];
    pool = new RunnerPool({ codeDir: fixtures, python, info: (l) => infos.push(l), output: () => undefined });
    const runtime = `python${python.version}`;
    const invoke = (handler: string) =>
      pool!.runnerFor('py-a', runtime)!.run({
        functionName: 'py-a',
        handler,
        runtime,
        event: { n: 5 },
        environment: {},
        context: contextData(`req-${handler}`, { functionName: 'py-a', deadlineMs: Date.now() + 120_000 }),
      });
    pool.prestartPython('py-a', runtime);
    const first = await DapClient.connect(port);
    clients.push(first);
    await attachDebugpy(first, [{ path: handlerFile, lines: [breakpointLine] }]);
    await expect(invoke('python/breaks.exits')).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 5') }) });

    // The next invocation starts a new environment on the same port; it waits for the IDE.
    const running = invoke('python/breaks.handler');
    const second = await DapClient.connect(port);
    clients.push(second);
    await attachDebugpy(second, [{ path: handlerFile, lines: [breakpointLine] }]);
    const stopped = await second.nextEvent('stopped');
    await second.request('continue', { threadId: stopped.body!.threadId as number });
    expect(parsed(await running)).toEqual({ function: 'py-a', doubled: 10 });
    expect(infos).toEqual([`py-a: environment 1 listens for debugpy on 127.0.0.1:${port}`]);
  });

  withDebugpy('an executor held at a breakpoint exits when plldb is killed', async () => {
    const port = await freePortPair();
    const holder = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'hold-python.ts'), 'breaks.paused', PYTHON, String(port)], { cwd: join(fixtures, '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let said = '';
      holder.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
      const client = await DapClient.connect(port);
      clients.push(client);
      await attachDebugpy(client, [{ path: handlerFile, lines: [lineOf('# held here')] }]);
      await client.nextEvent('stopped');
      const pid = Number((await waitFor(() => /executor pid (\d+)/.exec(said) ?? undefined))[1]);
      holder.kill('SIGKILL');
      await waitFor(() => {
        try {
          process.kill(pid, 0);
          return undefined;
        } catch {
          return true;
        }
      });
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
