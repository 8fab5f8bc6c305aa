export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Record<string, string | number | boolean | undefined>;

/** One JSON line per event on stdout. Callers pass ids, sizes and durations only: never a credential or a body. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/**
 * Epoch milliseconds with sub-millisecond precision, comparable across processes (the benchmark uses it).
 * The global `performance`: importing `node:perf_hooks` would load the rest of that module at start-up.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const stdoutLogger: Logger = {
  log(level, event, fields = {}) {
    process.stdout.write(`${JSON.stringify({ level, event, ...fields, ts: nowMs() })}\n`);
  },
};
