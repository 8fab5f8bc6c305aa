import { describe, expect, it } from '@jest/globals';
import { runTrafficDemo } from '../../cli/src/demo/traffic-demo.js';

/** `plldb demo --traffic` run in-process (its own sandbox and a real plldb debug process): what it prints. */
describe('plldb demo --traffic', () => {
  it('routes half the filtered function\'s invocations to the debugger, and the other function keeps answering after kill -9 of plldb debug', async () => {
    const lines: string[] = [];
    const code = await runTrafficDemo({ python: 'python3' }, { info: (l) => lines.push(...l.split('\n')), warn: (l) => lines.push(`WARN ${l}`) });
    expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([]);
    expect(code).toBe(0);
    const header = lines.findIndex((l) => /^ {2}# {2}function +event +answered by +result$/.test(l));
    const rows = lines.slice(header + 2, header + 9).map((l) => /^ {2}\d {2}(plldb-demo-\w+) +\{.*?\} +(debugger|deployed code) +(ok|error) /.exec(l)?.slice(1));
    expect(rows).toEqual([
      ['plldb-demo-filtered', 'debugger', 'ok'],
      ['plldb-demo-filtered', 'deployed code', 'ok'],
      ['plldb-demo-filtered', 'debugger', 'ok'],
      ['plldb-demo-filtered', 'deployed code', 'ok'],
      ['plldb-demo-passthrough', 'debugger', 'ok'],
      ['plldb-demo-passthrough', 'deployed code', 'ok'],
      ['plldb-demo-passthrough', 'deployed code', 'ok'],
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^\$ kill -9 \d+ /));
    expect(lines).toContainEqual('  | detached plldb-demo-passthrough: configuration restored');
    expect(lines.at(-1)).toMatch(/^done in \d+\.\d s: the sandbox is stopped and nothing is left running\.$/);
    // Two environments, two deployed runtimes and a plldb debug process on a shared machine: the demo's own deadline is 60 s.
  }, 90_000);
});
