import { describe, expect, it } from '@jest/globals';
import { markdownReport } from '../../bench/report/markdown.js';
import { cdfChart } from '../../bench/report/svg.js';
import type { BenchResult, DistributionFigures } from '../../bench/result.js';
import { DEFAULT_OPTIONS } from '../../bench/options.js';
import { figure } from '../../bench/stats.js';
import { evaluateTargets } from '../../bench/targets.js';
import { xmlProblem } from './well-formed.js';

const dist = (p50: number): DistributionFigures => ({ n: 10, p50: figure([p50, p50 * 1.1, p50 * 0.9]), p95: figure([p50 * 2]), max: figure([p50 * 3]) });

function result(overrides: { slowPlldbP50?: number; nodeZipBytes?: number; localOverheadP50?: number } = {}): BenchResult {
  const slow = overrides.slowPlldbP50 ?? 30;
  const r: BenchResult = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    durationS: 100,
    machine: { cpus: 2, cpuModel: 'test cpu', node: 'v20.0.0', arch: 'x64', loadAverage: [1, 2] },
    options: DEFAULT_OPTIONS,
    roundTripMs: 12,
    latency: {
      notify: { plldb: dist(20), baseline: dist(45), ratioP50: figure([0.44]) },
      pickupInstant: { plldb: dist(40), baseline: dist(1000), ratioP50: figure([0.04]) },
      pickupSlow: { plldb: dist(slow), baseline: dist(500), ratioP50: figure([slow / 500]) },
      pickupInstantRelayOnly: { plldb: dist(110) },
      pickupSlowRelayOnly: { plldb: dist(300) },
      overheadInstant: { plldb: dist(60), baseline: dist(1050), ratioP50: figure([0.06]) },
    },
    route: { handlerMs: dist(25), requestsPerAnswer: { 'DynamoDB.UpdateItem': figure([1]), 'SQS.SendMessage': figure([1]), 'ApiGatewayManagementApi.PostToConnection': figure([1]), total: figure([3]) } },
    winners: {
      instant: { fastPath: 28, relay: 0, poll: 2, none: 0 },
      slow: { fastPath: 15, relay: 0, poll: 0, none: 0 },
      'instant-relay-only': { fastPath: 0, relay: 1, poll: 29, none: 0 },
      'slow-relay-only': { fastPath: 0, relay: 14, poll: 1, none: 0 },
    },
    requests: {
      perInvocationInstant: { plldb: { 'DynamoDB.PutItem': figure([1]), total: figure([7]) }, baseline: { 'STS.AssumeRole': figure([1]), total: figure([6]) } },
      beforeNotify: { plldb: { total: figure([3]) }, baseline: { total: figure([4]) } },
      perMinuteWaiting: { plldb: { 'DynamoDB.GetItem': figure([90]) }, baseline: { 'DynamoDB.GetItem': figure([60]) }, plldbRelayOnly: {} },
    },
    localEnvironments: { direct: dist(60), local: dist(overrides.localOverheadP50 ?? 63), localRun: dist(1), ratioP50: figure([(overrides.localOverheadP50 ?? 63) / 60]) },
    init: { node: figure([90, 95]), standalone: figure([80]) },
    coldNotify: { node: figure([150]), standalone: figure([140]) },
    memory: { invocations: 1000, rssMb: { '100': 60, '1000': 61 }, fromInvocation: 100, toInvocation: 1000, fromMb: 60, toMb: 61, growthMb: 1, peakMb: 61 },
    passthrough: {
      invocations: 100,
      deployedAlone: { n: 100, p50: 4, p95: 6, max: 9 },
      passthrough: { n: 100, p50: 6, p95: 9, max: 12 },
      addedP50Ms: 2,
      addedP95Ms: 3,
      rssMb: { plldbRuntime: 55, deployedRuntime: 45, deployedAlone: 44 },
    },
    sizes: { runtimeBundle: 600_000, runtimeEntry: 5_000, standaloneX8664Bytes: 120_000_000, standaloneArm64Bytes: 118_000_000, baselineBundle: 550_000, nodeLayerZip: overrides.nodeZipBytes ?? 190_000 },
    targets: [],
    samples: { pickupInstant: { plldb: [40], baseline: [1000] }, pickupSlow: { plldb: [slow], baseline: [500] }, pickupInstantRelayOnly: [110], pickupSlowRelayOnly: [300] },
    problems: [],
  };
  r.targets = evaluateTargets(r);
  return r;
}

describe('bench targets', () => {
  it('marks each target met or missed from the figures', () => {
    const met = Object.fromEntries(result().targets.map((t) => [t.goal, t.met]));
    expect(met).toMatchObject({
      'answer pickup p50, 5 s debugger: at least 10x lower than the baseline': true,
      'fewer DynamoDB reads per minute of waiting than the baseline': false,
      'Node.js layer under 200 KB zipped': true,
    });
    const missed = result({ slowPlldbP50: 200, nodeZipBytes: 2_000_000 }).targets.filter((t) => !t.met).map((t) => t.goal);
    expect(missed).toEqual(expect.arrayContaining(['answer pickup p50, 5 s debugger: at least 10x lower than the baseline', 'Node.js layer under 200 KB zipped']));
  });

  it('counts the route calls an answer waits on: exactly UpdateItem and SendMessage, the reply aside', () => {
    const goal = 'the route makes exactly 2 AWS calls per answer on the answer path (UpdateItem, SendMessage)';
    expect(result().targets.find((t) => t.goal === goal)?.met).toBe(true);
    const r = result();
    r.route.requestsPerAnswer['SQS.GetQueueUrl'] = figure([1]);
    expect(evaluateTargets(r).find((t) => t.goal === goal)?.met).toBe(false);
  });

  it('holds the overhead through local execution environments to within 10% of the direct answer', () => {
    const goal = "end-to-end overhead with local execution environments within 10% of the direct answer's (same run)";
    expect(result().targets.find((t) => t.goal === goal)).toMatchObject({ met: true, value: 'p50 63.0 ms vs 60.0 ms (median of the per-round ratios 1.05x); the local run itself p50 1.0 ms' });
    expect(result({ localOverheadP50: 70 }).targets.find((t) => t.goal === goal)?.met).toBe(false);
    expect(markdownReport(result())).toContain("warm execution environment: p50 63.0 [56.7–69.3] ms, against 60.0 [54.0–66.0] ms answering directly");
  });

  it('says why and what would reach a missed target', () => {
    const reads = result().targets.find((t) => t.goal.startsWith('fewer DynamoDB reads'));
    expect(reads?.note).toMatch(/PLLDB_POLL_MAX_MS/);
  });
});

describe('bench markdown report', () => {
  it('shows medians with their spread over rounds, ratios, and missed targets in bold', () => {
    const md = markdownReport(result());
    expect(md).toContain('| answer pickup, instant debugger | 40.0 [36.0–44.0] |');
    expect(md).toContain('| **missed** |');
    expect(md).toContain('standalone layer x86_64, `zip -r -9` | not measured |');
    expect(md).toContain('![answer pickup latency, cumulative distribution](latency.svg)');
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
  });

  it('lists problems of the run', () => {
    const r = result();
    r.problems = ['plldb instant r-1: times missing'];
    expect(markdownReport(r)).toContain('- plldb instant r-1: times missing');
  });
});

describe('bench SVG chart', () => {
  it('draws one step curve per series with samples, well-formed, with escaped text', () => {
    const svg = cdfChart('A & B <test>', [
      { title: 'one', series: [{ label: 'x', color: '#000', samples: [1, 10, 100] }, { label: 'empty', color: '#f00', samples: [] }] },
      { title: 'two', series: [{ label: 'y', color: '#00f', dashed: true, samples: [2000, 3000] }] },
    ]);
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toContain('A &amp; B &lt;test&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('(n=0)');
    expect(svg).toContain('stroke-dasharray');
  });

  it('the checker itself refuses broken markup', () => {
    expect(xmlProblem('<svg><g></svg>')).toMatch(/closes/);
    expect(xmlProblem('<svg>a & b</svg>')).toMatch(/unescaped/);
    expect(xmlProblem('<svg></svg><svg></svg>')).toMatch(/2 root/);
  });
});
