import { describe, expect, it } from '@jest/globals';
import { CommanderError } from 'commander';
import { parseBenchArgs } from '../../bench/cli.js';
import { DEFAULT_OPTIONS, SMOKE_OPTIONS } from '../../bench/options.js';

describe('npm run bench -- options', () => {
  it('takes the defaults, writing into bench/results', () => {
    const { outDir, ...options } = parseBenchArgs([]);
    expect(options).toEqual(DEFAULT_OPTIONS);
    expect(outDir).toMatch(/bench\/results\/?$/);
  });

  it('reads counts, latencies, the slow range and PLLDB variables', () => {
    const o = parseBenchArgs(['--rounds', '5', '--call-delay-ms', '0', '--slow-ms', '1000-2000', '--plldb-env', 'PLLDB_POLL_MAX_MS=5000', '--plldb-env', 'PLLDB_POLL_FAST_MS=200', '--no-standalone-zips']);
    expect(o).toMatchObject({ rounds: 5, callDelayMs: 0, slowFromMs: 1000, slowToMs: 2000, standaloneZips: false, plldbEnv: { PLLDB_POLL_MAX_MS: '5000', PLLDB_POLL_FAST_MS: '200' } });
  });

  it('starts the smoke run from its preset, in a temp folder, with options still applying', () => {
    const o = parseBenchArgs(['--smoke', '--rounds', '2']);
    expect(o).toMatchObject({ ...SMOKE_OPTIONS, rounds: 2 });
    expect(o.outDir).not.toMatch(/bench\/results/);
  });

  it('refuses bad values, saying what it expected', () => {
    const refused = (args: string[]) => {
      try {
        parseBenchArgs(args, { writeErr: () => undefined });
      } catch (err) {
        return err instanceof CommanderError ? err.message : String(err);
      }
      return 'accepted';
    };
    expect(refused(['--rounds', '0'])).toMatch(/at least 1/);
    expect(refused(['--slow-ms', '5000-4000'])).toMatch(/FROM <= TO/);
    expect(refused(['--plldb-env', 'PLLDB_POLL_MAX_MS'])).toMatch(/NAME=value/);
  });
});
