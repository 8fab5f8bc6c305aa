import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

/**
 * Runs the scenario in a process of its own, as plldb debug --inspect runs: an inspector attached to
 * jest's own process (its VM-module state) crashed the whole test run with a segmentation fault.
 */
function runScenario(): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'paused-deadline.ts')], { cwd: join(fixtures, '..', '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: stdout.split('\n').filter((l) => l.startsWith('{')), stderr }));
  });
}

describe('a deadline passing while the handler is paused in the debugger', () => {
  it('reports the timeout, keeps the paused environment (no kill), and recycles it once resumed', async () => {
    const { code, lines, stderr } = await runScenario();
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(result.pausedOutcome).toEqual({ ok: false, timedOut: true, error: expect.objectContaining({ errorType: 'Sandbox.Timedout' }) });
    expect(result.killedWhilePaused).toEqual([]);
    // The next invocation ran in a new environment (a new worker session; its module state started over).
    expect(result.nextOutcome).toEqual({ ok: true, response: '{"calls":1}' });
  }, 60_000);
});
