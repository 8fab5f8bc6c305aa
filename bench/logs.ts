/** What the benchmark reads from the functions' JSON log lines. */
export interface LoggedFacts {
  /** The arm that delivered each answer (runtime and baseline `answer_received`). */
  via: Map<string, string>;
  /** Requests whose answer the `$default` route sent to the queue itself (`fast-path-sent`). */
  fastPathSent: Set<string>;
  /** Lines that report a failure (level ERROR), for the run's problem list. */
  errors: string[];
}

/** Collects the facts from every line any sandbox function writes (the sandbox's onLog hook). */
export class LogCollector {
  readonly facts: LoggedFacts = { via: new Map(), fastPathSent: new Set(), errors: [] };

  readonly onLog = (functionName: string, _instanceId: string, line: string): void => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const requestId = typeof entry.requestId === 'string' ? entry.requestId : undefined;
    if (entry.event === 'answer_received' && requestId && typeof entry.via === 'string') this.facts.via.set(requestId, entry.via);
    else if (entry.event === 'fast-path-sent' && requestId) this.facts.fastPathSent.add(requestId);
    if (String(entry.level).toUpperCase() === 'ERROR') this.facts.errors.push(`${functionName}: ${String(entry.event)} ${String(entry.error ?? entry.message ?? '')}`.trim());
  };
}
