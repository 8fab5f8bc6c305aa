import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrerequisites } from '../../cli/src/demo/prerequisites.js';
import { runDemo } from '../../cli/src/demo/run-demo.js';
import { ROOT } from './sandbox-support.js';

/** `plldb demo` run in-process (its own sandbox): what it prints, not how fast. */
describe('plldb demo', () => {
  it('debugs both sample functions, prints each invocation with its latency breakdown, restores them, and succeeds', async () => {
    const lines: string[] = [];
    const code = await runDemo({ python: 'python3' }, { info: (l) => lines.push(...l.split('\n')), warn: (l) => lines.push(`WARN ${l}`) });
    // The only warnings allowed: the local Node.js or Python is not the functions' runtime version.
    expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([]);
    expect(code).toBe(0);

    expect(lines[0]).toMatch(/^PLLDB demo: /);
    expect(lines).toContainEqual(expect.stringMatching(/^sandbox started in \d+ ms: stack PLLDB, WebSocket API ws:\/\/127\.0\.0\.1:\d+\//));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\| attached plldb-demo-python \(python3\.12, layer .*PLLDBLayerStandaloneX8664:1\)(; timeout \d+ s -> \d+ s while attached \(restored at detach\))?$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\| attached plldb-demo-node \(nodejs22\.x, layer .*PLLDBLayer:1\)(; timeout \d+ s -> \d+ s while attached \(restored at detach\))?$/));
    expect(lines).toContainEqual('  | detached plldb-demo-python: configuration restored');

    const header = lines.findIndex((l) => /^ {2}# {2}function/.test(l));
    expect(lines[header]).toMatch(/function +event +result +to debugger +handler +answer pickup +arm +queue fed by$/);
    const rows = lines.slice(header + 2, header + 8);
    const row = /^ {2}(\d) {2}(plldb-demo-\w+) +(\{.*?\}) +(ok|error) {2}(.+?) {2,}(\d+(?:\.\d)? ms)(?: \(cold start \d+(?:\.\d)? ms\))? +(\d+(?:\.\d)? ms) +(\d+(?:\.\d)? ms) +(sqs|poll) +(\$default fast path|stream relay|-)$/;
    const parsed = rows.map((r) => row.exec(r)?.slice(1));
    expect(parsed.map((p) => p && [p[1], p[2], p[3]])).toEqual([
      ['plldb-demo-python', '{"name":"Ada"}', 'ok'],
      ['plldb-demo-python', '{"name":"Grace"}', 'ok'],
      ['plldb-demo-python', '{"fail":true}', 'error'],
      ['plldb-demo-node', '{"name":"Ada"}', 'ok'],
      ['plldb-demo-node', '{"name":"Grace"}', 'ok'],
      ['plldb-demo-node', '{"fail":true}', 'error'],
    ]);
    expect(parsed[0]![4]).toMatch(/^Hello, Ada, from Python/);
    expect(parsed[5]![4]).toMatch(/^GreetingError: asked to fail/);
    expect(rows[0]).toContain('cold start');
    expect(rows[3]).toContain('cold start');
    expect(lines[header + 8]).toMatch(/^ {2}arm: (sqs|poll) \d(, (sqs|poll) \d)?; queue fed by: .+; warm invocations \(median\): to debugger \d+(\.\d)? ms, answer pickup \d+(\.\d)? ms$/);

    expect(lines).toContainEqual(expect.stringMatching(/^ {2}plldb-demo-python: restored exactly \(layers \[\], environment \{GREETING_STYLE\}, timeout 10 s, role policy none\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}plldb-demo-node: restored exactly /));
    expect(lines.at(-1)).toMatch(/^done in \d+\.\d s: the sandbox is stopped and nothing is left running\.$/);
  });

  it('fails at once, saying what to do, without python3', async () => {
    const lines: string[] = [];
    await expect(runDemo({ python: 'no-such-python3' }, { info: (l) => lines.push(l), warn: (l) => lines.push(`WARN ${l}`) })).resolves.toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^WARN plldb: cannot run no-such-python3 .*\n {2}-> install Python 3/)]);
  });

  it('says to run npm run build when the build outputs are missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'plldb-demo-test-'));
    try {
      expect(() => checkPrerequisites(empty, 'python3')).toThrow(/the build outputs the sandbox runs are missing \(dist\/layer\/plldb\/runtime\.mjs, /);
      checkPrerequisites(ROOT, 'python3');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
