import { Command, InvalidArgumentError, Option } from 'commander';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, SMOKE_OPTIONS, type BenchOptions } from './options.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function count(min: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new InvalidArgumentError(`expected a whole number of at least ${min}`);
    return Number(raw);
  };
}

function range(raw: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(raw);
  if (!match || Number(match[1]) > Number(match[2])) throw new InvalidArgumentError('expected FROM-TO in milliseconds, FROM <= TO, e.g. 4500-5500');
  return [Number(match[1]), Number(match[2])];
}

function assignment(raw: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
  if (!match) throw new InvalidArgumentError('expected NAME=value, e.g. PLLDB_POLL_MAX_MS=5000');
  return { ...previous, [match[1] as string]: match[2] as string };
}

/**
 * Parses `npm run bench -- [options]`; unset options take the defaults (or the smoke preset's).
 * Throws CommanderError for bad options and for --help (its exitCode says how to exit).
 */
export function parseBenchArgs(argv: string[], output: { writeErr?: (text: string) => void } = {}): BenchOptions {
  const d = DEFAULT_OPTIONS;
  const program = new Command('npm run bench --')
    .description('Measures PLLDB against the original polling design on the local sandbox and writes latest.md, latest.json and latency.svg.')
    .option('--smoke', 'a few seconds of everything, for CI (figures mean nothing; written to a temp folder unless --out is given)')
    .addOption(new Option('--rounds <n>', 'repeated runs; each figure is their median with the spread').argParser(count(1)))
    .addOption(new Option('--instant <n>', 'instant-debugger invocations per round and strategy').argParser(count(1)))
    .addOption(new Option('--slow <n>', 'slow-debugger invocations per round and strategy').argParser(count(1)))
    .addOption(new Option('--parallel <n>', 'functions invoked side by side in the slow phases').argParser(count(1)))
    .addOption(new Option('--slow-ms <from-to>', `the slow debugger answers after a uniform delay in this range (default ${d.slowFromMs}-${d.slowToMs})`).argParser(range))
    .addOption(new Option('--call-delay-ms <ms>', 'latency injected before every AWS call').argParser(count(0)))
    .addOption(new Option('--stream-delay-ms <ms>', 'DynamoDB stream propagation to the relay').argParser(count(0)))
    .addOption(new Option('--cold-starts <n>', 'cold starts per layer for the runtime init figure').argParser(count(1)))
    .addOption(new Option('--memory-invocations <n>', 'invocations of one runtime process in the memory run').argParser(count(1)))
    .addOption(new Option('--memory-every <n>', 'read the resident memory every n invocations').argParser(count(1)))
    .addOption(new Option('--passthrough-invocations <n>', 'invocations of each function in the pass-through run').argParser(count(1)))
    .option('--no-standalone-zips', 'skip zipping the standalone layers (the smoke run skips them)')
    .addOption(new Option('--plldb-env <NAME=value>', 'extra environment for the PLLDB functions (repeatable), e.g. PLLDB_POLL_MAX_MS=5000 or NODE_OPTIONS=--max-old-space-size=32').argParser(assignment))
    .option('--out <dir>', 'where the reports go', RESULTS_DIR)
    .addHelpText('after', `\nDefaults: ${JSON.stringify(d)}`)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput(output);
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    smoke?: boolean;
    rounds?: number;
    instant?: number;
    slow?: number;
    parallel?: number;
    slowMs?: [number, number];
    callDelayMs?: number;
    streamDelayMs?: number;
    coldStarts?: number;
    memoryInvocations?: number;
    memoryEvery?: number;
    passthroughInvocations?: number;
    plldbEnv?: Record<string, string>;
    standaloneZips: boolean;
    out: string;
  }>();
  const base = o.smoke ? SMOKE_OPTIONS : DEFAULT_OPTIONS;
  const outGiven = program.getOptionValueSource('out') === 'cli';
  return {
    rounds: o.rounds ?? base.rounds,
    instant: o.instant ?? base.instant,
    slow: o.slow ?? base.slow,
    parallel: o.parallel ?? base.parallel,
    slowFromMs: o.slowMs?.[0] ?? base.slowFromMs,
    slowToMs: o.slowMs?.[1] ?? base.slowToMs,
    callDelayMs: o.callDelayMs ?? base.callDelayMs,
    streamDelayMs: o.streamDelayMs ?? base.streamDelayMs,
    coldStarts: o.coldStarts ?? base.coldStarts,
    memoryInvocations: o.memoryInvocations ?? base.memoryInvocations,
    memoryEvery: o.memoryEvery ?? base.memoryEvery,
    passthroughInvocations: o.passthroughInvocations ?? base.passthroughInvocations,
    plldbEnv: o.plldbEnv ?? base.plldbEnv,
    standaloneZips: program.getOptionValueSource('standaloneZips') === 'cli' ? o.standaloneZips : base.standaloneZips,
    outDir: o.smoke && !outGiven ? join(tmpdir(), 'plldb-bench-smoke') : o.out,
  };
}
