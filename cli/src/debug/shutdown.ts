import { describeError } from '../errors.js';

/** The process events shutdown listens to (the process itself, or a stand-in in tests). */
export interface ProcessEvents {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface ShutdownDeps {
  signals: ProcessEvents;
  /** Stops the session: detaches what it attached. */
  stop(): Promise<void>;
  exit(code: number): void;
  warn(line: string): void;
}

/** Exit codes of a shell for a process ended by SIGINT / SIGTERM. */
const SIGINT_EXIT_CODE = 130;
export const SIGTERM_EXIT_CODE = 143;

/**
 * Ctrl+C, SIGTERM and fatal errors (the returned function, or an uncaught exception) all end
 * the same way: stop (detach), then exit. A second signal while detaching exits at once, and
 * says how to finish the detach by hand. Handler code runs in this process, so a promise
 * rejection it leaves unhandled is reported, not fatal.
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
  deps.signals.on('uncaughtException', (err) => {
    deps.warn(`plldb: uncaught exception, stopping: ${describeThrown(err)}`);
    void shutdown(1);
  });
  deps.signals.on('unhandledRejection', (reason) => deps.warn(`plldb: a promise rejection nobody handled (in handler code?): ${describeThrown(reason)}`));
  return shutdown;
}

function describeThrown(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
