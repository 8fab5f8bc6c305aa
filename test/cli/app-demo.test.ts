import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAppDemo } from '../../cli/src/demo/app-demo.js';
import { ROOT } from './sandbox-support.js';

const APP = join(ROOT, 'examples', 'cdk-app');
const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith('plldb-app-demo-') || name.startsWith('plldb-cdk-'));

/** `plldb demo --app examples/cdk-app` run in-process (its own sandbox, the CDK app synthesized): discovery on the sandbox, end to end. */
describe('plldb demo --app', () => {
  it('deploys the sample CDK app to the sandbox, debugs both functions from their sources in one plldb debug session, restores them, and succeeds', async () => {
    const before = leftovers();
    const lines: string[] = [];
    const code = await runAppDemo({ python: 'python3', app: APP }, { info: (l) => lines.push(...l.split('\n')), warn: (l) => lines.push(`WARN ${l}`) });
    // The only warnings allowed: the local Node.js or Python is not the functions' runtime version.
    expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([]);
    expect(code).toBe(0);

    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\| {3}PlaceOrder\w+ \(stack PlldbSampleShop\) -> PlldbSampleShop-PlaceOrder\w+ {2}nodejs22\.x {2}index\.placeOrder$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\| {3}PriceQuote\w+ \(stack PlldbSampleShop\) -> PlldbSampleShop-PriceQuote\w+ {2}python3\.12 {2}quote\.handler$/));
    // One plldb debug session, both functions found by discovery (no --function) through the stack's resources.
    const sessions = lines.filter((l) => l.startsWith('  | debugging '));
    expect(sessions).toEqual([expect.stringMatching(/^ {2}\| debugging PlldbSampleShop-PlaceOrder\w+, PlldbSampleShop-PriceQuote\w+ \(session /)]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\| detached PlldbSampleShop-PriceQuote\w+: configuration restored$/));

    const header = lines.findIndex((l) => /^ {2}# {2}function/.test(l));
    const rows = lines.slice(header + 2, header + 6).map((l) => l.trim().split(/ {2,}/));
    expect(rows.map((r) => [r[2], r[3], r[5], r[6]])).toEqual([
      ['src/orders.ts', '{"item":"tea","quantity":2}', '{"item":"tea","quantity":2,"total":9}', 'plldb debug'],
      ['src/orders.ts', '{"item":"cake","quantity":3}', '{"item":"cake","quantity":3,"total":13.5}', 'plldb debug'],
      ['python/quote.py', '{"item":"tea","quantity":2}', '{"item": "tea", "price": "9.00"}', 'plldb debug'],
      ['python/quote.py', '{"item":"cake","quantity":3}', '{"item": "cake", "price": "13.50"}', 'plldb debug'],
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}PlldbSampleShop-PlaceOrder\w+: restored exactly \(layers \[\], environment \{\}, timeout 3 s, role policy none\)$/));
    expect(lines.at(-1)).toMatch(/^done in \d+\.\d s: the sandbox is stopped and nothing is left running\.$/);
    expect(leftovers()).toEqual(before);
  }, 180_000);

  it('fails with the reason when the folder is no project', async () => {
    const lines: string[] = [];
    const code = await runAppDemo({ python: 'python3', app: join(ROOT, 'docs') }, { info: (l) => lines.push(l), warn: (l) => lines.push(`WARN ${l}`) });
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('WARN'))).toEqual([expect.stringMatching(/^WARN plldb: .*docs is no infrastructure-as-code project plldb reads/)]);
  }, 60_000);
});
