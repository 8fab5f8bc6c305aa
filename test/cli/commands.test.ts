import { afterEach, describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../cli/src/program.js';

/** Runs the program without exiting the test process; returns what it wrote. */
async function run(args: string[]): Promise<{ out: string; err: string; exitCode?: number }> {
  let out = '';
  let err = '';
  const program = buildProgram();
  const quiet = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'plldb', ...args]);
  } catch (e) {
    return { out, err, exitCode: (e as { exitCode?: number }).exitCode };
  } finally {
    process.stderr.write = write;
  }
  return { out, err, ...(process.exitCode !== undefined ? { exitCode: Number(process.exitCode) } : {}) };
}

describe('plldb command line', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('offers debug, attach, detach, status, invoke, sandbox, discover, deploy, destroy, ide and demo, each with help', async () => {
    expect(buildProgram().commands.map((c) => c.name())).toEqual(['debug', 'attach', 'detach', 'status', 'invoke', 'sandbox', 'discover', 'deploy', 'destroy', 'ide', 'demo']);
    for (const name of ['debug', 'attach', 'detach', 'status']) {
      const { out } = await run([name, '--help']);
      expect(out).toContain(`Usage: plldb ${name}`);
      expect(out).toContain(name === 'status' ? '--json' : '--function <name>');
      expect(out).toContain('--region <region>');
    }
    const { out } = await run(['demo', '--help']);
    expect(out).toContain('Usage: plldb demo');
    expect(out).toContain('--python <command>');
  });

  it('refuses bad input with what to do', async () => {
    await expect(run(['detach'])).resolves.toMatchObject({ exitCode: 1, err: expect.stringContaining('--function <name>, or use --all') });
    await expect(run(['attach', '-f', 'x', '--connection-id', 'c', '--timeout', '0'])).resolves.toMatchObject({ exitCode: 1, err: expect.stringContaining('1 to 900') });
    const empty = mkdtempSync(join(tmpdir(), 'plldb-no-project-'));
    try {
      await expect(run(['debug', '--app', empty])).resolves.toMatchObject({ exitCode: 1, err: expect.stringContaining('no --function given and no project here') });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
