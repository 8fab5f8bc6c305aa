import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { echoWith, startWorld, type World } from './support/world.js';

const PLLDB = fileURLToPath(new URL('../../dist/cli/plldb.mjs', import.meta.url));
const run = promisify(execFile);

/** The built CLI's attach and detach run the same code against the sandbox as against AWS (only its exit status is checked). */
describe('end to end: plldb attach and detach against the sandbox', () => {
  let world: World;
  const stateDir = mkdtempSync(join(tmpdir(), 'plldb-e2e-state-'));
  const plldb = (...args: string[]) => run(process.execPath, [PLLDB, ...args], { env: { ...process.env, ...world.sandbox.env, PLLDB_STATE_DIR: stateDir } });

  beforeAll(async () => {
    world = await startWorld();
    world.plain('cli-target');
  });

  afterAll(async () => {
    await world?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('debugs a function once attached, and runs its own handler again once detached', async () => {
    world.debuggerClient.behaviour = echoWith(() => 'from the debugger');
    await plldb('attach', '-f', 'cli-target', '--connection-id', world.debuggerClient.connectionId);
    expect(JSON.parse((await world.sandbox.invoke('cli-target', {})).payload)).toBe('from the debugger');
    await plldb('detach', '-f', 'cli-target');
    expect(JSON.parse((await world.sandbox.invoke('cli-target', { n: 1 })).payload)).toMatchObject({ handledBy: 'own-handler', event: { n: 1 } });
  });
});
