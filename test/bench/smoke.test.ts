import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench } from '../../bench/bench.js';
import { SMOKE_OPTIONS } from '../../bench/options.js';
import { REPORT_FILES, writeReports } from '../../bench/report/write.js';
import type { BenchResult } from '../../bench/result.js';
import { xmlProblem } from './well-formed.js';

// The benchmark end to end with tiny counts (the CI variant of `npm run bench`): every
// measurement runs and every report is written; no figure is judged, only the shape.
describe('npm run bench, smoke variant', () => {
  const out = mkdtempSync(join(tmpdir(), 'plldb-bench-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes latest.json, latest.md and latency.svg from a real run on the sandbox', async () => {
    const written = writeReports(await runBench(SMOKE_OPTIONS), out);
    expect(written.sort()).toEqual(Object.values(REPORT_FILES).map((f) => join(out, f)).sort());

    const result = JSON.parse(readFileSync(join(out, REPORT_FILES.json), 'utf8')) as BenchResult;
    expect(result.problems).toEqual([]);
    for (const row of Object.values(result.latency)) expect(row.plldb.n).toBeGreaterThan(0);
    expect(result.latency.pickupSlow.baseline?.n).toBe(SMOKE_OPTIONS.slow);
    // The instant debugger also answered every request by running its handler in plldb debug's environments.
    expect(result.localEnvironments.local.n).toBe(SMOKE_OPTIONS.instant);
    // Each strategy made its own design's calls: the baseline asks STS every time and has no queue.
    expect(result.requests.perInvocationInstant.baseline['STS.GetCallerIdentity']?.median).toBe(1);
    expect(result.requests.perInvocationInstant.baseline['SQS.CreateQueue']).toBeUndefined();
    expect(result.requests.perInvocationInstant.plldb['SQS.CreateQueue']?.median).toBe(1);
    expect(result.requests.perInvocationInstant.plldb['STS.GetCallerIdentity']).toBeUndefined();
    // With the fast path off, no answer may be credited to it.
    expect(result.winners['instant-relay-only'].fastPath + result.winners['slow-relay-only'].fastPath).toBe(0);
    expect(Object.keys(result.memory.rssMb)).toHaveLength(SMOKE_OPTIONS.memoryInvocations / SMOKE_OPTIONS.memoryEvery);
    expect(result.sizes.nodeLayerZip).toBeGreaterThan(0);
    expect(result.targets.length).toBeGreaterThan(0);

    const md = readFileSync(join(out, REPORT_FILES.markdown), 'utf8');
    expect(md).toMatch(/^# PLLDB benchmark/);
    expect(md).toContain('### Targets');
    expect(md).not.toContain('NaN');

    const svg = readFileSync(join(out, REPORT_FILES.chart), 'utf8');
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg.match(/<path /g)?.length).toBe(6);
  }, 60_000);
});
