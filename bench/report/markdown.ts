import { TOTAL } from '../measure/requests.js';
import type { ApiFigures, BenchResult, DistributionFigures, LatencyRow, Scenario } from '../result.js';
import type { Figure } from '../stats.js';

const KB = 1024;

/** `median [min–max]` (the spread over rounds), or just the value for one round. */
function formatFigure(f: Figure | undefined, digits = 1): string {
  if (!f || Number.isNaN(f.median)) return '–';
  const v = (n: number) => n.toFixed(digits);
  return f.runs.length > 1 ? `${v(f.median)} [${v(f.min)}–${v(f.max)}]` : v(f.median);
}

const megabytes = (bytes: number | undefined) => (bytes === undefined ? 'not measured' : `${(bytes / KB / KB).toFixed(1)} MB`);

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function latencyCells(d: DistributionFigures | undefined): string[] {
  return d ? [formatFigure(d.p50), formatFigure(d.p95), formatFigure(d.max)] : ['–', '–', '–'];
}

const LATENCY_ROWS: [keyof BenchResult['latency'], string][] = [
  ['notify', 'notify (/next → debugger has the request)'],
  ['pickupInstant', 'answer pickup, instant debugger'],
  ['pickupSlow', 'answer pickup, 5 s debugger'],
  ['pickupInstantRelayOnly', 'answer pickup, instant debugger, fast path off'],
  ['pickupSlowRelayOnly', 'answer pickup, 5 s debugger, fast path off'],
  ['overheadInstant', 'end-to-end overhead, instant debugger'],
];

const SCENARIOS: [Scenario, string][] = [
  ['instant', 'instant debugger'],
  ['slow', '5 s debugger'],
  ['instant-relay-only', 'instant debugger, fast path off'],
  ['slow-relay-only', '5 s debugger, fast path off'],
];

function apiTable(columns: [string, ApiFigures][], digits: number): string {
  const apis = [...new Set(columns.flatMap(([, f]) => Object.keys(f)))].filter((a) => a !== TOTAL).sort();
  const rows = [...apis, TOTAL].map((api) => [api === TOTAL ? '**total**' : api, ...columns.map(([, f]) => formatFigure(f[api], digits))]);
  return table(['API', ...columns.map(([name]) => name)], rows);
}

function fewSamples(r: BenchResult): boolean {
  return Object.values(r.latency).some((row: LatencyRow) => row.plldb.n < 20 || (row.baseline !== undefined && row.baseline.n < 20));
}

/** The tables of latest.md (also pasted into the README's Performance section). */
function resultTables(r: BenchResult): string {
  const latency = table(
    ['metric (ms)', 'PLLDB p50', 'PLLDB p95', 'PLLDB max', 'baseline p50', 'baseline p95', 'baseline max', 'PLLDB/baseline p50'],
    LATENCY_ROWS.map(([key, label]) => {
      const row: LatencyRow = r.latency[key];
      return [label, ...latencyCells(row.plldb), ...latencyCells(row.baseline), formatFigure(row.ratioP50, 3)];
    }),
  );
  const winners = table(
    ['PLLDB scenario', '`$default` fast path', 'stream relay', 'poll', 'no answer'],
    SCENARIOS.map(([key, label]) => {
      const w = r.winners[key];
      return [label, String(w.fastPath), String(w.relay), String(w.poll), String(w.none)];
    }),
  );
  const footprint = table(
    ['figure', 'value'],
    [
      ['runtime init, Node.js layer (process start → first /next)', `${formatFigure(r.init.node)} ms`],
      ['runtime init, standalone layer', `${formatFigure(r.init.standalone)} ms`],
      ['cold start to the debugger having the request, Node.js layer (process start → request message)', `${formatFigure(r.coldNotify.node)} ms`],
      ['cold start to the debugger having the request, standalone layer', `${formatFigure(r.coldNotify.standalone)} ms`],
      [`resident memory after ${r.memory.fromInvocation} invocations`, `${r.memory.fromMb.toFixed(1)} MB`],
      [`resident memory after ${r.memory.toInvocation} invocations`, `${r.memory.toMb.toFixed(1)} MB`],
      [`growth ${r.memory.fromInvocation} → ${r.memory.toInvocation} (least-squares trend of the readings in between)`, `${r.memory.growthMb >= 0 ? '+' : ''}${r.memory.growthMb.toFixed(1)} MB`],
      [`highest reading (every ${r.options.memoryEvery} invocations)`, `${r.memory.peakMb.toFixed(1)} MB`],
      [`pass-through p50 / p95 over ${r.passthrough.invocations} invocations (without PLLDB: p50 / p95)`, `${r.passthrough.passthrough.p50.toFixed(1)} / ${r.passthrough.passthrough.p95.toFixed(1)} ms (${r.passthrough.deployedAlone.p50.toFixed(1)} / ${r.passthrough.deployedAlone.p95.toFixed(1)} ms)`],
      ['pass-through, warm resident memory: PLLDB runtime + deployed runtime (without PLLDB)', `${r.passthrough.rssMb.plldbRuntime.toFixed(1)} + ${r.passthrough.rssMb.deployedRuntime.toFixed(1)} MB (${r.passthrough.rssMb.deployedAlone.toFixed(1)} MB)`],
      ['runtime bundle (`plldb/runtime.mjs` and its chunks)', `${(r.sizes.runtimeBundle / KB).toFixed(0)} KB, of which ${(r.sizes.runtimeEntry / KB).toFixed(0)} KB on the init path (baseline bundle ${(r.sizes.baselineBundle / KB).toFixed(0)} KB)`],
      ['Node.js layer, `zip -r -9`', `${(r.sizes.nodeLayerZip / KB).toFixed(0)} KB`],
      ['standalone layer x86_64, unzipped', megabytes(r.sizes.standaloneX8664Bytes)],
      ['standalone layer x86_64, `zip -r -9`', megabytes(r.sizes.standaloneX8664Zip)],
      ['standalone layer arm64, unzipped', megabytes(r.sizes.standaloneArm64Bytes)],
      ['standalone layer arm64, `zip -r -9`', megabytes(r.sizes.standaloneArm64Zip)],
    ],
  );
  const targets = table(
    ['target', 'measured', 'met', 'why / what would reach it'],
    r.targets.map((t) => [t.goal, t.value, t.met ? 'met' : '**missed**', t.note || '–']),
  );
  return [
    '### Latency',
    `Each cell: the median over rounds of that round's percentile, with the range over rounds in brackets; the ratio is taken per round.${fewSamples(r) ? ' With fewer than 20 samples per round, p95 is the round\'s largest sample.' : ''}`,
    latency,
    `End-to-end overhead with the instant debugger running each request's (trivial) handler in \`plldb debug\`'s warm execution environment: p50 ${formatFigure(r.localEnvironments.local.p50)} ms, against ${formatFigure(r.localEnvironments.direct.p50)} ms answering directly in the same run (ratio ${formatFigure(r.localEnvironments.ratioP50, 3)}); the local run itself (request in to answer out: \`handleRequest\`, the worker thread, the handler) p50 ${formatFigure(r.localEnvironments.localRun.p50, 2)} ms.`,
    '### Winning path (answers over all rounds)',
    winners,
    '### The `$default` route',
    `The route handler's own time per answer (its Runtime API /next to its response): p50 ${formatFigure(r.route.handlerMs.p50)} ms, p95 ${formatFigure(r.route.handlerMs.p95)} ms. Its AWS requests per answer (the reply to the debugger, PostToConnection, goes out beside the SendMessage):`,
    apiTable([['route handler', r.route.requestsPerAnswer]], 2),
    '### AWS requests of the runtime',
    'Per invocation, instant debugger:',
    apiTable([['PLLDB', r.requests.perInvocationInstant.plldb], ['baseline', r.requests.perInvocationInstant.baseline]], 2),
    'Before the debugger is notified (from /next to the request message), per invocation:',
    apiTable([['PLLDB', r.requests.beforeNotify.plldb], ['baseline', r.requests.beforeNotify.baseline]], 2),
    'Per minute of waiting (while the 5 s debugger holds the request):',
    apiTable([['PLLDB', r.requests.perMinuteWaiting.plldb], ['PLLDB, fast path off', r.requests.perMinuteWaiting.plldbRelayOnly], ['baseline', r.requests.perMinuteWaiting.baseline]], 0),
    '### Footprint',
    footprint,
    '### Targets',
    targets,
  ].join('\n\n');
}

export function markdownReport(r: BenchResult): string {
  const o = r.options;
  return [
    '# PLLDB benchmark: latest run',
    `${r.generatedAt}, ${r.durationS} s on ${r.machine.cpus} × ${r.machine.cpuModel}, Node.js ${r.machine.node} (${r.machine.arch}); 1-minute load average ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')}.`,
    `Sandbox latency injection: ${o.callDelayMs} ms per AWS call, ${o.streamDelayMs} ms stream propagation. ${o.rounds} rounds; per round and strategy ${o.instant} instant-debugger invocations (one at a time) and ${o.slow} invocations with a debugger answering after ${o.slowFromMs}–${o.slowToMs} ms (uniform), ${o.parallel} functions side by side. Runtime init over ${o.coldStarts} cold starts per layer (the Node.js layer runs on the host's Node.js ${r.machine.node}, the standalone layer on its own); memory over ${o.memoryInvocations} invocations of one runtime process, without latency injection. One AWS round trip measured on this sandbox (SDK client, consistent GetItem; the median of 20 calls before each round, then the median over rounds): ${r.roundTripMs.toFixed(1)} ms.`,
    'Baseline: the original design (GetCallerIdentity and AssumeRole on every invocation, PutItem, PostToConnection, GetItem once a second; no queue, no relay), built from the PLLDB runtime\'s own modules and run through the same exec wrapper, function host and debugger.',
    resultTables(r),
    '![answer pickup latency, cumulative distribution](latency.svg)',
    r.problems.length ? `### Problems during the run\n\n${r.problems.map((p) => `- ${p}`).join('\n')}` : '',
  ]
    .filter((part) => part !== '')
    .join('\n\n')
    .concat('\n');
}
