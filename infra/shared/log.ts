/** One structured JSON line per event; callers never pass secrets or event/answer bodies. */
export type Logger = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ level, event, ...fields })}\n`);
};

/** The name of an error for logs (SDK errors carry the service's error code there). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
