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
  /** The functions still attached (for the forced exit's message). */
  stillAttached(): string[];
  exit(code: number): void;
  warn(line: string): void;
  now?: () => number;
}

/** Exit codes of a shell for a process ended by SIGINT / SIGTERM. */
const SIGINT_EXIT_CODE = 130;
export const SIGTERM_EXIT_CODE = 143;
/** Three signals within this window force the exit; fewer never abandon a detach. */
export const FORCE_WINDOW_MS = 3000;

/**
 * Ctrl+C, SIGTERM and fatal errors (the returned function, or an uncaught exception) all end
 * the same way: stop (detach), then exit. Signals during the detach do not abandon it (an
 * impatient double Ctrl+C, or timeout(1) signalling twice); a third within a few seconds forces
 * the exit and says exactly what is still attached and the command that restores it. Handler
 * code runs in its own environments, so an error here is the CLI's own.
 */
export function installShutdown(deps: ShutdownDeps): (exitCode: number) => Promise<void> {
  const now = deps.now ?? Date.now;
  let stopping = false;
  let exited = false;
  const signalTimes: number[] = [];
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    deps.exit(code);
  };
  const shutdown = async (exitCode: number): Promise<void> => {
    stopping = true;
    try {
      await deps.stop();
    } catch (err) {
      deps.warn(`${describeError(err)}\n  -> run plldb detach --all to restore the functions`);
    }
    exit(exitCode);
  };
  const onSignal = (exitCode: number) => {
    if (!stopping) {
      void shutdown(exitCode);
      return;
    }
    signalTimes.push(now());
    const recent = signalTimes.filter((t) => now() - t <= FORCE_WINDOW_MS);
    if (recent.length < 2) {
      deps.warn('still detaching the functions (press Ctrl+C once more within 3 s to exit without finishing)');
      return;
    }
    const attached = deps.stillAttached();
    deps.warn(
      attached.length === 0
        ? 'exiting before the detach finished; nothing is left attached'
        : `exiting before the detach finished; still attached: ${attached.join(', ')}\n  -> run plldb detach ${attached.map((name) => `--function ${name}`).join(' ')}`,
    );
    exit(exitCode);
  };
  deps.signals.on('SIGINT', () => onSignal(SIGINT_EXIT_CODE));
  deps.signals.on('SIGTERM', () => onSignal(SIGTERM_EXIT_CODE));
  deps.signals.on('uncaughtException', (err) => {
    deps.warn(`plldb: uncaught exception, stopping: ${describeThrown(err)}`);
    if (!stopping) void shutdown(1);
  });
  deps.signals.on('unhandledRejection', (reason) => deps.warn(`plldb: a promise rejection nobody handled: ${describeThrown(reason)}`));
  return (exitCode) => (stopping ? Promise.resolve() : shutdown(exitCode));
}

function describeThrown(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
