import { CliError, describeError } from '../errors.js';
import type { DemoOutput } from './run-demo.js';

/** How a demo runs: its name (in the timeout message), its deadline and what to say when it is missed. */
export interface StagedRun {
  name: string;
  deadlineMs: number;
  onTimeout: string;
}

/**
 * Runs a demo's body against its deadline, always followed by its clean-up; a failure or a missed
 * deadline (naming the stage it was in) is printed with what to do. Returns the exit code.
 */
export async function runStaged(run: StagedRun, out: DemoOutput, body: (enter: (stage: string) => void) => Promise<void>, cleanUp: () => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  let stage = 'checking prerequisites';
  let deadline: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<never>((_resolve, reject) => {
      deadline = setTimeout(() => reject(new CliError(`${run.name} did not finish within ${run.deadlineMs / 1000} s (it was ${stage})`, run.onTimeout)), run.deadlineMs);
    });
    await Promise.race([timedOut, body((s) => (stage = s))]);
    out.info(`\ndone in ${((performance.now() - startedAt) / 1000).toFixed(1)} s: the sandbox is stopped and nothing is left running.`);
    return 0;
  } catch (err) {
    out.warn(describeError(err));
    return 1;
  } finally {
    clearTimeout(deadline);
    await cleanUp();
  }
}
