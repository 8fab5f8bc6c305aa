import { EventEmitter } from 'node:events';
import { runDebug, type DebugCommandOptions } from '../commands/debug.js';
import type { SessionObserver } from '../debug/session.js';
import { SIGTERM_EXIT_CODE } from '../debug/shutdown.js';
import { CliError } from '../errors.js';

/** A `plldb debug` run inside this process, stopped as SIGTERM would stop it. */
export interface InProcessDebug {
  /** Stops (detaches everything); rejects when the run did not end as a SIGTERM ends it. */
  stop(): Promise<void>;
}

/** Starts `plldb debug` through runDebug, with a stand-in for the process (signals, exit). */
export async function startDebugInProcess(opts: DebugCommandOptions, io: { info(line: string): void; warn(line: string): void }, observer: SessionObserver): Promise<InProcessDebug> {
  const events = new EventEmitter();
  let exitCode: number | undefined;
  let onExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  await runDebug(opts, {
    events,
    exit: (code) => {
      exitCode ??= code;
      onExit(code);
    },
    info: io.info,
    warn: io.warn,
    observer,
  });
  if (exitCode !== undefined) throw new CliError(`plldb debug could not start (exit code ${exitCode}; see its output above)`);
  return {
    async stop() {
      if (exitCode === undefined) events.emit('SIGTERM');
      const code = await exited;
      if (code !== SIGTERM_EXIT_CODE) throw new CliError(`plldb debug ended with exit code ${code} (see its output above)`);
    },
  };
}
