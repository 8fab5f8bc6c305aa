import type { ItemStore, Notifier } from './aws/ports.js';
import { ConnectionGoneError } from './aws/ports.js';
import type { Logger } from './logger.js';

/** A session moves at most this many times during one notification before the runtime gives up. */
const MAX_FOLLOWS = 3;

/**
 * The debugger connection this execution environment notifies. It starts as
 * `DEBUGGER_CONNECTION_ID`; `plldb debug` replaces its connection before API Gateway closes it
 * (2 hours at most) without updating the function, and records the new one in the session item.
 * So when a post gets 410 Gone the runtime reads the session item, moves its own item to the
 * recorded connection (the `$default` route accepts an answer only from the item's connection),
 * posts there and keeps that connection for later invocations. A live connection costs nothing extra.
 */
export class SessionConnection {
  private current: string;

  constructor(
    private readonly sessionId: string,
    initialConnectionId: string,
    private readonly notifier: Notifier,
    private readonly store: Pick<ItemStore, 'currentConnection' | 'repoint'>,
    /** Called before the first post to a connection the session moved to (the credentials' session policy names the connection). */
    private readonly onFollow: (connectionId: string) => void = () => undefined,
  ) {
    this.current = initialConnectionId;
  }

  /** The connection new request items are written for. */
  get id(): string {
    return this.current;
  }

  /**
   * Posts `message(connectionId)` to the session's connection, following the session when the
   * connection is gone; the request item must already name `from` (the id when the item was
   * written). Throws ConnectionGoneError when the session records no other connection.
   */
  async notify(requestId: string, from: string, message: (connectionId: string) => string, logger: Logger, signal?: AbortSignal): Promise<void> {
    let target = from;
    const tried = new Set<string>();
    for (;;) {
      try {
        await this.notifier.post(target, message(target), signal);
        this.current = target;
        return;
      } catch (err) {
        if (!(err instanceof ConnectionGoneError)) throw err;
      }
      tried.add(target);
      const next = await this.store.currentConnection(this.sessionId, signal);
      if (next === undefined || tried.has(next) || tried.size > MAX_FOLLOWS) throw new ConnectionGoneError(target);
      // False: plldb debug re-pointed it already, or the item is no longer waiting; either way the post is still right.
      const moved = await this.store.repoint(requestId, target, next, signal);
      logger.log('INFO', 'debugger_connection_followed', { requestId, from: target, to: next, itemMoved: moved });
      this.onFollow(next);
      target = next;
    }
  }
}
