/** A captured log line that contains something no log may hold. */
export interface LogLeak {
  line: string;
  /** Which forbidden needle it contains (named, never the secret itself). */
  what: string;
}

/**
 * Finds every line holding one of the needles (credentials, event bodies). Needles are given by
 * name so a failing test prints the name and the line, and the report never repeats a secret twice.
 */
export function findLeaks(lines: readonly string[], needles: Record<string, string>): LogLeak[] {
  const leaks: LogLeak[] = [];
  for (const line of lines) {
    for (const [what, needle] of Object.entries(needles)) {
      if (needle !== '' && line.includes(needle)) leaks.push({ line, what });
    }
  }
  return leaks;
}

/** Lines that are not one JSON object per line (the runtime's log contract). */
export function unstructuredLines(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value !== 'object' || value === null || Array.isArray(value);
    } catch {
      return true;
    }
  });
}
