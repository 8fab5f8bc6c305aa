/** The benchmark's knobs; `npm run bench -- --help` lists them. */
export interface BenchOptions {
  /** Repeated runs: every latency and request figure is the median over them. */
  rounds: number;
  /** Instant-debugger invocations per round and strategy (one at a time). */
  instant: number;
  /** Slow-debugger invocations per round and strategy. */
  slow: number;
  /** Functions invoked side by side in the slow phases (each one invocation at a time). */
  parallel: number;
  /** The slow debugger answers after a uniform delay in [slowFromMs, slowToMs). */
  slowFromMs: number;
  slowToMs: number;
  /** Latency injection: before each AWS call, and stream propagation to the relay. */
  callDelayMs: number;
  streamDelayMs: number;
  /** Cold starts per layer for the runtime init figure. */
  coldStarts: number;
  /** Invocations of the memory run, and how often its resident memory is read. */
  memoryInvocations: number;
  memoryEvery: number;
  /** Invocations of each function in the pass-through run (without PLLDB, and through its proxy). */
  passthroughInvocations: number;
  /** Zip the standalone layers too (about 40 MB each; slow). */
  standaloneZips: boolean;
  /** Where latest.md, latest.json and latency.svg go. */
  outDir: string;
  /** Extra environment for the PLLDB functions (e.g. PLLDB_POLL_MAX_MS=5000, NODE_OPTIONS=...). */
  plldbEnv: Record<string, string>;
}

export const DEFAULT_OPTIONS: Omit<BenchOptions, 'outDir'> = {
  rounds: 3,
  instant: 10,
  slow: 5,
  parallel: 5,
  slowFromMs: 4500,
  slowToMs: 5500,
  callDelayMs: 10,
  streamDelayMs: 250,
  coldStarts: 10,
  memoryInvocations: 1000,
  memoryEvery: 10,
  passthroughInvocations: 100,
  standaloneZips: true,
  plldbEnv: {},
};

/** A run of a few seconds that exercises every measurement (CI); its figures mean nothing. */
export const SMOKE_OPTIONS: Omit<BenchOptions, 'outDir'> = {
  ...DEFAULT_OPTIONS,
  rounds: 1,
  instant: 2,
  slow: 2,
  parallel: 2,
  slowFromMs: 300,
  slowToMs: 400,
  coldStarts: 1,
  memoryInvocations: 4,
  memoryEvery: 2,
  passthroughInvocations: 2,
  standaloneZips: false,
};
