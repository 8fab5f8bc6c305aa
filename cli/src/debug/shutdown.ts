import { describeError } from '../errors.js';

export interface ShutdownDeps {
  /** Where SIGINT / SIGTERM come from (the process). */
  signals: { on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  /** Stops the session: detaches what it attached. */
  stop(): Promise<void>;
  exit(code: number): void;
  warn(line: string): void;
}

/** Exit codes of a shell for a process ended by SIGINT / SIGTERM. */
export const SIGINT_EXIT_CODE = 130;
export const SIGTERM_EXIT_CODE = 143;

/**
 * Ctrl+C, SIGTERM and fatal errors all end the same way: stop (detach), then exit. A second
 * signal while detaching exits at once, and says how to finish the detach by hand.
 */
export function installShutdown(deps: ShutdownDeps): (exitCode: number) => Promise<void> {
  let stopping = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (stopping) {
      deps.warn('stopped before every function was detached: run plldb detach --all');
      deps.exit(exitCode);
      return;
    }
    stopping = true;
    try {
      await deps.stop();
    } catch (err) {
      deps.warn(`${describeError(err)}\n  -> run plldb detach --all to restore the functions`);
    }
    deps.exit(exitCode);
  };
  deps.signals.on('SIGINT', () => void shutdown(SIGINT_EXIT_CODE));
  deps.signals.on('SIGTERM', () => void shutdown(SIGTERM_EXIT_CODE));
  return shutdown;
}
