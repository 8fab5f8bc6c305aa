import { cpus, loadavg } from 'node:os';
import { instant, jittered } from './debugger.js';
import { measureInit, measureMemory, measureSizes, type MemoryResult } from './measure/footprint.js';
import { measurePassthrough, type PassthroughResult } from './measure/passthrough.js';
import { measureRoundTrip } from './measure/round-trip.js';
import { requestsBeforeNotify, requestsPerInvocation, requestsPerMinuteWaiting, routeRequestsPerAnswer, type Counts } from './measure/requests.js';
import type { BenchOptions } from './options.js';
import { localEnvironmentsFigures, runLocalEnvironmentsPhase } from './local-environments.js';
import { runPhase, type InvocationSample, type PhaseResult, type Winner } from './phase.js';
import type { ApiFigures, BenchResult, DistributionFigures, LatencyRow, Scenario } from './result.js';
import { distribution, distributionFigures, figure, median, ratioFigure } from './stats.js';
import { evaluateTargets } from './targets.js';
import { BenchWorld } from './world.js';

type Options = Omit<BenchOptions, 'outDir'>;

const ROUND_TRIP_CALLS = 20;

interface Round {
  plldb: Record<Scenario, PhaseResult>;
  baseline: { instant: PhaseResult; slow: PhaseResult };
  /** The instant debugger running each request's handler in plldb debug's execution environments. */
  localEnvironments: PhaseResult;
}

const notifyMs = (s: InvocationSample) => s.receivedAt - s.deliveredAt;
const pickupMs = (s: InvocationSample) => s.answeredAt - s.sentAt;
/** Invoke to result, minus the time the debugger spent "running the handler". */
const overheadMs = (s: InvocationSample) => s.returnedAt - s.invokedAt - (s.sentAt - s.receivedAt);

/** Runs every measurement on one sandbox and returns the figures. `progress` hears what is running. */
export async function runBench(options: Options, progress: (message: string) => void = () => undefined): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadavg()[0] as number;
  const world = await BenchWorld.start(options);
  try {
    // Measured before every round (the machine's load drifts during a run); the limits use the median.
    const roundTrips: number[] = [];
    const rounds: Round[] = [];
    for (let r = 1; r <= options.rounds; r += 1) {
      progress(`round ${r}/${options.rounds}`);
      roundTrips.push(await measureRoundTrip(world.sandbox, ROUND_TRIP_CALLS));
      rounds.push(await runRound(world, options));
    }
    const roundTripMs = median(roundTrips);
    progress(`runtime init: ${options.coldStarts} cold starts per layer`);
    const starts = await measureInit(world, options.coldStarts);
    const init = { node: figure(starts.init.node), standalone: figure(starts.init.standalone) };
    const coldNotify = { node: figure(starts.notified.node), standalone: figure(starts.notified.standalone) };
    progress(`memory: ${options.memoryInvocations} invocations; zipping the layers meanwhile`);
    // The zips share the CPU only with the memory run, whose timing is not a figure.
    const [memoryRun, sizes] = await Promise.all([
      measureMemory(world, options.memoryInvocations, options.memoryEvery),
      measureSizes(world.baseline.bundle, options.standaloneZips),
    ]);
    progress(`pass-through: ${options.passthroughInvocations} invocations with and without PLLDB's proxy`);
    const passthrough = await measurePassthrough(world, options.passthroughInvocations);
    const result = summarize(options, rounds, { init, coldNotify }, memoryRun, sizes, roundTripMs, [loadAtStart, loadavg()[0] as number], passthrough);
    result.problems.push(...world.debuggerClient.problems, ...world.logs.facts.errors);
    result.durationS = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    await world.stop();
  }
}

async function runRound(world: BenchWorld, o: Options): Promise<Round> {
  const slow = jittered(o.slowFromMs, o.slowToMs);
  const phase = (strategy: 'plldb' | 'baseline', scenario: Scenario) =>
    runPhase(world, scenario.startsWith('instant')
      ? { scenario, strategy, delay: instant, invocations: o.instant, parallel: 1 }
      : { scenario, strategy, delay: slow, invocations: o.slow, parallel: o.parallel });
  const plldbInstant = await phase('plldb', 'instant');
  const localEnvironments = await runLocalEnvironmentsPhase(world, o.instant);
  const baselineInstant = await phase('baseline', 'instant');
  const plldbSlow = await phase('plldb', 'slow');
  const baselineSlow = await phase('baseline', 'slow');
  world.sandbox.fastPath.stop();
  try {
    const relayInstant = await phase('plldb', 'instant-relay-only');
    const relaySlow = await phase('plldb', 'slow-relay-only');
    return {
      plldb: { instant: plldbInstant, slow: plldbSlow, 'instant-relay-only': relayInstant, 'slow-relay-only': relaySlow },
      baseline: { instant: baselineInstant, slow: baselineSlow },
      localEnvironments,
    };
  } finally {
    world.sandbox.fastPath.start();
  }
}

function summarize(
  options: Options,
  rounds: Round[],
  { init, coldNotify }: Pick<BenchResult, 'init' | 'coldNotify'>,
  memoryRun: MemoryResult,
  sizes: BenchResult['sizes'],
  roundTripMs: number,
  loadAverage: number[],
  passthrough: PassthroughResult,
): BenchResult {
  const plldb = (scenario: Scenario) => rounds.map((r) => r.plldb[scenario]);
  const baseline = (scenario: 'instant' | 'slow') => rounds.map((r) => r.baseline[scenario]);
  const both = (p: PhaseResult[], b: PhaseResult[]) => ({ p, b });
  const notifyPhases = {
    p: rounds.map((r) => merged(r.plldb.instant, r.plldb.slow)),
    b: rounds.map((r) => merged(r.baseline.instant, r.baseline.slow)),
  };
  const result: BenchResult = {
    generatedAt: new Date().toISOString(),
    durationS: 0,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, arch: process.arch, loadAverage },
    options,
    roundTripMs,
    latency: {
      notify: compare(notifyPhases, notifyMs),
      pickupInstant: compare(both(plldb('instant'), baseline('instant')), pickupMs),
      pickupSlow: compare(both(plldb('slow'), baseline('slow')), pickupMs),
      pickupInstantRelayOnly: compare({ p: plldb('instant-relay-only') }, pickupMs),
      pickupSlowRelayOnly: compare({ p: plldb('slow-relay-only') }, pickupMs),
      overheadInstant: compare(both(plldb('instant'), baseline('instant')), overheadMs),
    },
    route: {
      handlerMs: figures(notifyPhases.p.map((ph) => distribution(ph.route.handlerMs))),
      requestsPerAnswer: apiFigures(notifyPhases.p.map((ph) => routeRequestsPerAnswer(ph))),
    },
    winners: {
      instant: winners(plldb('instant')),
      slow: winners(plldb('slow')),
      'instant-relay-only': winners(plldb('instant-relay-only')),
      'slow-relay-only': winners(plldb('slow-relay-only')),
    },
    requests: {
      perInvocationInstant: { plldb: apiFigures(plldb('instant').map(requestsPerInvocation)), baseline: apiFigures(baseline('instant').map(requestsPerInvocation)) },
      beforeNotify: { plldb: apiFigures(plldb('instant').map(requestsBeforeNotify)), baseline: apiFigures(baseline('instant').map(requestsBeforeNotify)) },
      perMinuteWaiting: {
        plldb: apiFigures(plldb('slow').map(requestsPerMinuteWaiting)),
        baseline: apiFigures(baseline('slow').map(requestsPerMinuteWaiting)),
        plldbRelayOnly: apiFigures(plldb('slow-relay-only').map(requestsPerMinuteWaiting)),
      },
    },
    localEnvironments: localEnvironmentsFigures(plldb('instant'), rounds.map((r) => r.localEnvironments), overheadMs),
    init,
    coldNotify,
    memory: memoryRun,
    passthrough,
    sizes,
    targets: [],
    samples: {
      pickupInstant: { plldb: pooled(plldb('instant'), pickupMs), baseline: pooled(baseline('instant'), pickupMs) },
      pickupSlow: { plldb: pooled(plldb('slow'), pickupMs), baseline: pooled(baseline('slow'), pickupMs) },
      pickupInstantRelayOnly: pooled(plldb('instant-relay-only'), pickupMs),
      pickupSlowRelayOnly: pooled(plldb('slow-relay-only'), pickupMs),
    },
    problems: rounds.flatMap((r) => [...Object.values(r.plldb), ...Object.values(r.baseline), r.localEnvironments].flatMap((p) => p.problems)),
  };
  result.targets = evaluateTargets(result);
  return result;
}

function merged(a: PhaseResult, b: PhaseResult): PhaseResult {
  return {
    ...a,
    samples: [...a.samples, ...b.samples],
    requests: [...a.requests, ...b.requests],
    route: { handlerMs: [...a.route.handlerMs, ...b.route.handlerMs], requests: [...a.route.requests, ...b.route.requests] },
    problems: [...a.problems, ...b.problems],
  };
}

function compare({ p, b }: { p: PhaseResult[]; b?: PhaseResult[] }, metric: (s: InvocationSample) => number): LatencyRow {
  const perRound = (phases: PhaseResult[]) => phases.map((ph) => distribution(ph.samples.map(metric)));
  const plldb = perRound(p);
  const row: LatencyRow = { plldb: figures(plldb) };
  if (b) {
    const baseline = perRound(b);
    row.baseline = figures(baseline);
    row.ratioP50 = ratioFigure(plldb.map((d) => d.p50), baseline.map((d) => d.p50));
  }
  return row;
}

function figures(perRound: ReturnType<typeof distribution>[]): DistributionFigures {
  return { n: Math.min(...perRound.map((d) => d.n)), ...distributionFigures(perRound) };
}

function winners(phases: PhaseResult[]): Record<Winner, number> {
  const counts: Record<Winner, number> = { fastPath: 0, relay: 0, poll: 0, none: 0 };
  for (const s of phases.flatMap((p) => p.samples)) counts[s.winner] += 1;
  return counts;
}

function apiFigures(perRound: Counts[]): ApiFigures {
  const apis = [...new Set(perRound.flatMap((c) => Object.keys(c)))].sort();
  return Object.fromEntries(apis.map((api) => [api, figure(perRound.map((c) => c[api] ?? 0))]));
}

function pooled(phases: PhaseResult[], metric: (s: InvocationSample) => number): number[] {
  return phases.flatMap((p) => p.samples.map(metric));
}
