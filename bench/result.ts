import type { LocalEnvironmentsFigures } from './local-environments.js';
import type { MemoryResult, Sizes } from './measure/footprint.js';
import type { PassthroughResult } from './measure/passthrough.js';
import type { BenchOptions } from './options.js';
import type { Winner } from './phase.js';
import type { Figure } from './stats.js';

export type Scenario = 'instant' | 'slow' | 'instant-relay-only' | 'slow-relay-only';

/** Percentiles of one metric, each the median over rounds with its spread. */
export interface DistributionFigures {
  /** Samples per round. */
  n: number;
  p50: Figure;
  p95: Figure;
  max: Figure;
}

export interface LatencyRow {
  plldb: DistributionFigures;
  baseline?: DistributionFigures;
  /** PLLDB p50 / baseline p50, per round. */
  ratioP50?: Figure;
}

export type ApiFigures = Record<string, Figure>;

export interface Target {
  goal: string;
  value: string;
  met: boolean;
  /** Why, when missed, and what would reach it. */
  note: string;
}

export interface BenchResult {
  generatedAt: string;
  durationS: number;
  /** `loadAverage`: 1-minute load average at the start and the end of the run (the machine may be shared). */
  machine: { cpus: number; cpuModel: string; node: string; arch: string; loadAverage: number[] };
  options: Omit<BenchOptions, 'outDir'>;
  /** One AWS round trip on this sandbox, as an SDK client sees it (ms, median). */
  roundTripMs: number;
  latency: {
    notify: LatencyRow;
    pickupInstant: LatencyRow;
    pickupSlow: LatencyRow;
    pickupInstantRelayOnly: LatencyRow;
    pickupSlowRelayOnly: LatencyRow;
    overheadInstant: LatencyRow;
  };
  /**
   * The `$default` route handler while it passes PLLDB's answers (instant and 5 s debuggers):
   * its own time per answer, and its AWS requests per answer (by API, the reply included).
   */
  route: { handlerMs: DistributionFigures; requestsPerAnswer: ApiFigures };
  /** Answers by winning path, summed over rounds (PLLDB). */
  winners: Record<Scenario, Record<Winner, number>>;
  requests: {
    perInvocationInstant: { plldb: ApiFigures; baseline: ApiFigures };
    beforeNotify: { plldb: ApiFigures; baseline: ApiFigures };
    perMinuteWaiting: { plldb: ApiFigures; baseline: ApiFigures; plldbRelayOnly: ApiFigures };
  };
  /** End-to-end overhead of the instant debugger answering directly and through plldb debug's execution environments. */
  localEnvironments: LocalEnvironmentsFigures;
  /** Process start to first /next, ms. */
  init: { node: Figure; standalone: Figure };
  /** Process start to the debugger having the first request (cold start with the invocation waiting), ms. */
  coldNotify: { node: Figure; standalone: Figure };
  memory: MemoryResult;
  /** The deployed code answering through PLLDB's Runtime API proxy, against the same code without PLLDB. */
  passthrough: PassthroughResult;
  sizes: Sizes;
  targets: Target[];
  /** Every sample, pooled over rounds (ms), for the chart. */
  samples: {
    pickupInstant: { plldb: number[]; baseline: number[] };
    pickupSlow: { plldb: number[]; baseline: number[] };
    pickupInstantRelayOnly: number[];
    pickupSlowRelayOnly: number[];
  };
  problems: string[];
}
