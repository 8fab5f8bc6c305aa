import { CommanderError } from 'commander';
import { runBench } from './bench.js';
import { parseBenchArgs } from './cli.js';
import { writeReports } from './report/write.js';

/** `npm run bench -- [options]`: runs the benchmark and writes the reports. */
async function main(): Promise<void> {
  const { outDir, ...options } = parseBenchArgs(process.argv.slice(2));
  const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  log(`starting: ${JSON.stringify(options)}`);
  const result = await runBench(options, log);
  for (const path of writeReports(result, outDir)) log(`wrote ${path}`);
  const missed = result.targets.filter((t) => !t.met);
  log(`done in ${result.durationS} s; targets met ${result.targets.length - missed.length}/${result.targets.length}${missed.length ? `, missed: ${missed.map((t) => t.goal).join('; ')}` : ''}`);
  if (result.problems.length) log(`${result.problems.length} problem(s) during the run, listed in the report`);
}

main().catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
