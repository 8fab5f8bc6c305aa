import type { SessionConnections } from './session-connections.js';

/**
 * API Gateway closes every WebSocket connection after 2 hours, whatever its traffic (API Gateway
 * developer guide, "Quotas for configuring and running a WebSocket API": Connection duration for
 * WebSocket API, 2 hours, cannot be increased).
 */
export const API_GATEWAY_MAX_CONNECTION_MS = 2 * 60 * 60_000;
/** Replaced this long before API Gateway's limit, so a slow or failed switch can be tried again in time. */
const REPLACE_MARGIN_MS = 10 * 60_000;
const DEFAULT_REPLACE_AFTER_MS = API_GATEWAY_MAX_CONNECTION_MS - REPLACE_MARGIN_MS;
/** After a failed switch the old connection still has time left: try again this much later. */
const RETRY_AFTER_MS = 60_000;

export interface ConnectionSwitchOptions {
  table: SessionConnections;
  /** How long a connection is used before it is replaced; default 10 minutes before API Gateway's 2 hours. */
  replaceAfterMs?: number;
  info(line: string): void;
  warn(line: string): void;
}

/**
 * Keeps a debugging session independent of its WebSocket connections: each new connection is
 * recorded as the session's current one and the session's waiting invocations move to it, so
 * the functions stay attached to the first connection id (no UpdateFunctionConfiguration, no
 * cold start) and the runtime follows the session item when its connection is gone. The
 * connection is replaced before API Gateway closes it, make-before-break; answers wait while a
 * switch runs, since one sent on the old connection after its invocations moved would be refused.
 */
export class ConnectionSwitch {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Invocations moved to the current connection by the last switch: their answers need no move. */
  private moved = new Set<string>();

  constructor(private readonly options: ConnectionSwitchOptions) {}

  /**
   * Records a newly opened connection as the session's current one and moves the session's waiting
   * invocations to it. Throws when it cannot be recorded; a failed move is only reported, since
   * `claim` moves each invocation again before its answer goes out.
   */
  async adopt(connectionId: string): Promise<void> {
    await this.options.table.record(connectionId);
    try {
      this.moved = new Set(await this.options.table.movePending(connectionId));
      if (this.moved.size > 0) this.options.info(`${this.moved.size} waiting invocation(s) moved to connection ${connectionId}`);
    } catch (err) {
      this.moved = new Set();
      this.options.warn(`could not move the waiting invocations to connection ${connectionId} (${(err as Error).message}); each is moved when it is answered`);
    }
  }

  /** Resolves when no switch is running (answers wait for it). */
  settled(): Promise<void> {
    return this.running;
  }

  /** Before answering a request sent to an older connection of the session: moves its invocation to `current`. */
  async claim(requestId: string, addressedTo: string, current: string): Promise<void> {
    if (addressedTo === current || this.moved.has(requestId)) return;
    await this.options.table.move(requestId, current);
  }

  /** Runs `step` as a switch: answers wait until it ends. */
  async run(step: () => Promise<void>): Promise<void> {
    let done!: () => void;
    const previous = this.running;
    this.running = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      await step();
    } finally {
      done();
    }
  }

  /** Calls `replace` before each connection reaches API Gateway's limit, and again a minute after a failure. */
  schedule(replace: () => Promise<void>, afterMs = this.options.replaceAfterMs ?? DEFAULT_REPLACE_AFTER_MS): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      replace().then(
        () => this.schedule(replace),
        (err: unknown) => {
          if (this.stopped) return;
          const retryMs = Math.min(RETRY_AFTER_MS, this.options.replaceAfterMs ?? RETRY_AFTER_MS);
          this.options.warn(`could not replace the WebSocket connection (${(err as Error).message}); trying again in ${Math.round(retryMs / 1000)} s`);
          this.schedule(replace, retryMs);
        },
      );
    }, afterMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
