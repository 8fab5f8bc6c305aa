import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env } from '../../protocol/index.js';
import { runDebug, type DebugHost } from '../../cli/src/commands/debug.js';
import { buildProgram } from '../../cli/src/program.js';
import { waitFor } from './helpers.js';
import { EXAMPLES, NODE_FN, PYTHON_FN, ROOT, SandboxWorld } from './sandbox-support.js';

/** The traffic flags of `plldb attach` and `plldb debug`, against the sandbox with the built layer. */
describe('plldb traffic flags against the sandbox', () => {
  let world: SandboxWorld;
  const dir = mkdtempSync(join(tmpdir(), 'plldb-traffic-cli-'));

  beforeAll(async () => {
    world = await SandboxWorld.start();
  });

  afterAll(async () => {
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const printed: string[] = [];
  const errors: string[] = [];
  /** Runs a plldb command line in this process; returns its exit code. */
  const run = async (...args: string[]) => {
    const previous = process.exitCode;
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk).trimEnd()) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => errors.push(String(chunk).trimEnd()) > 0);
    // Commander ends the process on a refused argument of a subcommand: here that becomes the exit code.
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw Object.assign(new Error('exit'), { exitCode: Number(code ?? 0) });
    });
    try {
      await buildProgram()
        .parseAsync(['node', 'plldb', ...args])
        .catch((err: unknown) => {
          process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
        });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      exit.mockRestore();
    }
    const code = process.exitCode;
    process.exitCode = previous;
    return code ?? 0;
  };

  it('attach sets the traffic variables (filter from @file, compacted) and detach removes them', async () => {
    const filterFile = join(dir, 'filter.json');
    writeFileSync(filterFile, '{\n  "detail": { "type": [ { "prefix": "order." } ] }\n}\n');
    const args = ['--function', PYTHON_FN.name, '--connection-id', 'conn-x'];
    expect(await run('attach', ...args, '--when-disconnected', 'passthrough', '--filter', `@${filterFile}`, '--observe', '--sample-ms', '0')).toBe(0);
    expect((await world.config(PYTHON_FN.name)).environment).toMatchObject({
      [Env.WhenDisconnected]: 'passthrough',
      [Env.RouteFilter]: '{"detail":{"type":[{"prefix":"order."}]}}',
      [Env.Mode]: 'observe',
      [Env.ObserveSampleMs]: '0',
    });
    // Attaching again without the flags drops them.
    expect(await run('attach', ...args)).toBe(0);
    const environment = (await world.config(PYTHON_FN.name)).environment ?? {};
    for (const name of [Env.WhenDisconnected, Env.RouteFilter, Env.Mode, Env.ObserveSampleMs]) expect(environment[name]).toBeUndefined();
    expect(await run('attach', ...args, '--filter', '{"a":["b"]}')).toBe(0);
    expect(await run('detach', '--function', PYTHON_FN.name)).toBe(0);
    expect((await world.config(PYTHON_FN.name)).environment?.[Env.RouteFilter]).toBeUndefined();
  });

  it('refuses a bad pattern, an unknown mode and --sample-ms without --observe before changing anything', async () => {
    const args = ['--function', PYTHON_FN.name, '--connection-id', 'conn-x'];
    expect(await run('attach', ...args, '--filter', '{"detail":{"type":"order"}}')).not.toBe(0);
    expect(errors.join('\n')).toMatch(/must be an array of rules or an object/);
    expect(await run('attach', ...args, '--when-disconnected', 'retry')).not.toBe(0);
    expect(await run('attach', ...args, '--sample-ms', '10')).not.toBe(0);
    expect(errors.join('\n')).toMatch(/--sample-ms applies to --observe only/);
    expect((await world.config(PYTHON_FN.name)).environment?.[Env.ExecWrapper]).toBeUndefined();
  });

  it('plldb debug --observe prints observed invocations; the deployed code answers the callers', async () => {
    const lines: string[] = [];
    const exitCodes: number[] = [];
    const host: DebugHost & { events: EventEmitter } = {
      events: new EventEmitter(),
      exit: (code) => exitCodes.push(code),
      info: (l) => lines.push(l),
      warn: (l) => lines.push(`WARN ${l}`),
    };
    await runDebug({ function: [NODE_FN.name], code: EXAMPLES, stack: world.sandbox.stackName, python: 'python3', observe: true, sampleMs: 0 }, host);
    try {
      const out = await world.invoke(NODE_FN.name, { name: 'Watched' });
      expect(out.functionError).toBeUndefined();
      expect(out.payload).toMatchObject({ message: expect.stringContaining('Hello, Watched') });
      const line = await waitFor(() => lines.find((l) => l.includes(out.requestId)));
      expect(line).toMatch(new RegExp(`  ${NODE_FN.name}  ${out.requestId}  observed  \\d+ ms  ok \\(answer discarded\\)$`));
    } finally {
      host.events.emit('SIGTERM');
      await waitFor(() => exitCodes.length > 0);
    }
    expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([]);
  });

  it('after kill -9 of plldb debug --when-disconnected passthrough, callers keep getting the deployed code\'s answers', async () => {
    const cli = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'plldb.mjs'), 'debug', '--function', NODE_FN.name, '--code', EXAMPLES, '--stack', world.sandbox.stackName, '--when-disconnected', 'passthrough'], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    try {
      await waitFor(() => output.includes('debugging '));
      const debugged = await world.invoke(NODE_FN.name, { name: 'Local' });
      expect(debugged.functionError).toBeUndefined();
      await waitFor(() => output.includes(debugged.requestId));
    } finally {
      cli.kill('SIGKILL');
      await exited;
    }
    expect((await world.config(NODE_FN.name)).environment?.[Env.WhenDisconnected]).toBe('passthrough');
    for (const name of ['After', 'Again', 'Still']) {
      const out = await world.invoke(NODE_FN.name, { name });
      expect(out.functionError).toBeUndefined();
      expect(out.payload).toMatchObject({ message: expect.stringContaining(`Hello, ${name}`) });
    }
    expect(await run('detach', '--function', NODE_FN.name)).toBe(0);
  });
});
