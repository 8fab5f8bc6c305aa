import type { ApiReply, DebuggerRequestMessage, DebuggerResponseMessage } from '../../../protocol/index.js';
import { CliError } from '../errors.js';
import type { AnswerDelivery, AnswerRoute } from './answer-delivery.js';
import type { Connect, DebuggerConnection } from './connection.js';
import type { ConnectionSwitch } from './connection-switch.js';

/** Moments of an invocation's trip through the session, for callers that measure (the demo). */
export interface SessionObserver {
  requestReceived?(msg: DebuggerRequestMessage): void;
  answerSent?(requestId: string, delivery: AnswerDelivery): void;
  /** The API stored the answer (no refusal) or refused it (the reason it gave). */
  answerSettled?(requestId: string, refusal?: string): void;
}

export interface SessionDeps {
  connect: Connect;
  /** Attaches the session's functions to its first connection. */
  attachAll(connectionId: string): Promise<void>;
  /** Records each connection as the session's current one and replaces it before API Gateway closes it. */
  connections: ConnectionSwitch;
  /** Detaches every function the session attached; never throws. */
  detachAll(): Promise<void>;
  /** Runs one request's handler and returns the answer to send; undefined: nothing to send (not this session's request, or the deadline passed and the caller has its answer). */
  serve(msg: DebuggerRequestMessage): Promise<DebuggerResponseMessage | undefined>;
  /** Sends an answer (default: as a WebSocket message). */
  deliver?(answer: DebuggerResponseMessage, route: AnswerRoute): Promise<AnswerDelivery>;
  observer?: SessionObserver;
  info(line: string): void;
  warn(line: string): void;
  /** Keep-alive interval (API Gateway closes a connection idle for 10 minutes: WebSocket quotas, Idle Connection Timeout). */
  keepAliveMs?: number;
  whoamiTimeoutMs?: number;
  /** Delay before reconnect attempt `attempt` (0-based). */
  backoffMs?: (attempt: number) => number;
  maxReconnectAttempts?: number;
  /** How long stop() waits for running handlers to answer. */
  drainMs?: number;
}

const DEFAULT_KEEP_ALIVE_MS = 4 * 60_000;
const DEFAULT_WHOAMI_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RECONNECT_ATTEMPTS = 10;
const DEFAULT_DRAIN_MS = 3000;
/** How long a connection switch waits for answers sent on the old connection to be confirmed. */
const SWITCH_DRAIN_MS = 5000;
const sendAsMessage = async (answer: DebuggerResponseMessage, route: AnswerRoute): Promise<AnswerDelivery> => {
  await route.send(answer);
  return 'websocket';
};
const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);
/** How often an answer is sent again when the API could not store it (a passing failure, e.g. throttling). */
const MAX_RESENDS = 3;
const RESEND_DELAY_MS = 200;

/**
 * One `plldb debug` session: a WebSocket connection that learns its id (whoami), attaches the
 * functions to it, answers their requests, stays alive (keep-alive; a new connection before API
 * Gateway's 2-hour limit and after any drop, which the functions follow through the session item
 * without being updated) and detaches everything when stopped.
 */
export class DebugSession {
  connectionId?: string;
  /** Rejects when the session cannot go on (reconnecting gave up); the caller then stops it. */
  readonly failed: Promise<never>;
  private fail!: (err: Error) => void;
  private connection?: DebuggerConnection;
  private stopping = false;
  private reconnecting = false;
  private keepAlive?: NodeJS.Timeout;
  private reconnectTimer?: { timer: NodeJS.Timeout; wake: () => void };
  private readonly inFlight = new Set<Promise<void>>();
  /** Answers between the switch gate and their send: a switch waits for them. */
  private sending = 0;
  /** Answers sent and not yet accepted, by request id: sent again when the API asks for it. */
  private readonly unconfirmed = new Map<string, { answer: DebuggerResponseMessage; resends: number }>();

  constructor(private readonly deps: SessionDeps) {
    this.failed = new Promise<never>((_resolve, reject) => (this.fail = reject));
    this.failed.catch(() => undefined);
  }

  /** Connects, learns the connection id and attaches the functions; returns the connection id. */
  async start(): Promise<string> {
    const first = await this.open();
    try {
      await this.deps.connections.adopt(first.connectionId);
      await this.deps.attachAll(first.connectionId);
    } catch (err) {
      first.connection.close();
      throw err;
    }
    this.use(first);
    this.deps.connections.schedule(() => this.replace());
    return first.connectionId;
  }

  /** Stops serving, closes the connection and detaches every function. Safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.deps.connections.stop();
    clearInterval(this.keepAlive);
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer.timer);
      this.reconnectTimer.wake();
    }
    // Let running handlers send their answers first, but not wait on one stuck at a breakpoint.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, this.deps.drainMs ?? DEFAULT_DRAIN_MS)))]);
    clearTimeout(timer);
    this.connection?.close();
    await this.deps.detachAll();
  }

  /** Opens a connection and learns its id; whoami replies are told apart per connection. */
  private async open(): Promise<{ connection: DebuggerConnection; connectionId: string }> {
    const whoamiWaiters: ((connectionId: string) => void)[] = [];
    const connection = await this.deps.connect({
      onMessage: (text) => this.onMessage(text, whoamiWaiters),
      onClose: (code, reason) => this.onClose(connection, code, reason),
    });
    return { connection, connectionId: await this.whoami(connection, whoamiWaiters) };
  }

  /** Makes `next` the connection answers go to, and keeps it alive. */
  private use(next: { connection: DebuggerConnection; connectionId: string }): void {
    const { connection } = next;
    this.connection = connection;
    this.connectionId = next.connectionId;
    clearInterval(this.keepAlive);
    // A whoami now and then is a message API Gateway counts as activity (ping frames may not be).
    this.keepAlive = setInterval(() => {
      connection.send({ action: 'whoami' }).catch(() => undefined);
    }, this.deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
  }

  /**
   * Make-before-break: opens the next connection, waits for the answers in flight on the current
   * one, records the new one as the session's (moving the waiting invocations to it), sends
   * everything through it from then on, and only then closes the old one.
   */
  private async replace(): Promise<void> {
    if (this.stopping || this.reconnecting || !this.connection) return;
    const old = this.connection;
    await this.deps.connections.run(async () => {
      const next = await this.open();
      try {
        await this.drained(SWITCH_DRAIN_MS);
        if (this.stopping || this.connection !== old) throw new Error('the session changed during the switch');
        await this.deps.connections.adopt(next.connectionId);
      } catch (err) {
        next.connection.close();
        throw err;
      }
      this.use(next);
    });
    old.close();
    this.deps.info(`replaced the WebSocket connection before API Gateway's 2-hour limit: now ${this.connectionId} (no function updated)`);
  }

  /** Resolves once no answer is being sent or awaits its confirmation, or after `ms`. */
  private async drained(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while ((this.sending > 0 || this.unconfirmed.size > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  private whoami(connection: DebuggerConnection, waiters: ((connectionId: string) => void)[]): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        connection.close();
        reject(new CliError('the WebSocket API did not answer whoami', 'check that the helper stack is the current version (npx cdk deploy)'));
      }, this.deps.whoamiTimeoutMs ?? DEFAULT_WHOAMI_TIMEOUT_MS);
      const waiter = (id: string) => {
        clearTimeout(timer);
        resolve(id);
      };
      waiters.push(waiter);
      connection.send({ action: 'whoami' }).catch((err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private onMessage(text: string, whoamiWaiters: ((connectionId: string) => void)[]): void {
    let msg: DebuggerRequestMessage | ApiReply;
    try {
      msg = JSON.parse(text) as DebuggerRequestMessage | ApiReply;
    } catch {
      this.deps.warn(`ignored a message that is not JSON (${text.length} characters)`);
      return;
    }
    switch (msg.type) {
      case 'request':
        this.deps.observer?.requestReceived?.(msg);
        this.track(this.answer(msg));
        break;
      case 'whoami':
        for (const w of whoamiWaiters.splice(0)) w(msg.connectionId);
        break;
      case 'response-accepted':
        this.unconfirmed.delete(msg.requestId);
        this.deps.observer?.answerSettled?.(msg.requestId);
        break;
      case 'error':
        if (msg.requestId !== undefined && msg.retry && this.resend(msg.requestId)) break;
        if (msg.requestId !== undefined && this.unconfirmed.delete(msg.requestId) && this.deps.observer?.answerSettled) {
          this.deps.observer.answerSettled(msg.requestId, msg.message);
          break;
        }
        this.deps.warn(`the API reported an error${msg.requestId ? ` for request ${msg.requestId}` : ''}: ${msg.message}`);
        break;
      default:
        break;
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answer(msg: DebuggerRequestMessage): Promise<void> {
    const answer = await this.deps.serve(msg);
    if (answer === undefined) return;
    // The deployed code answered the caller already; the runtime keeps no item for a copy to answer.
    if (msg.observation === true) return;
    await this.deps.connections.settled();
    const { connection, connectionId } = this;
    this.sending += 1;
    try {
      if (!connection || !connectionId) throw new Error('not connected');
      // Sent to a connection the session has left (held across a switch): only the item's connection may answer it.
      await this.deps.connections.claim(msg.requestId, msg.connectionId, connectionId);
      const send = async (message: DebuggerResponseMessage) => {
        this.unconfirmed.set(message.requestId, { answer: message, resends: 0 });
        await connection.send(message);
      };
      const delivery = await (this.deps.deliver ?? sendAsMessage)(answer, { connectionId, send });
      this.deps.observer?.answerSent?.(msg.requestId, delivery);
      // Written into the item by this process: stored, no reply from the API will follow.
      if (delivery === 'item') this.deps.observer?.answerSettled?.(msg.requestId);
    } catch (err) {
      this.unconfirmed.delete(msg.requestId);
      const reason = `the answer was not sent (${(err as Error).message}); the function will time out`;
      if (this.deps.observer?.answerSettled) this.deps.observer.answerSettled(msg.requestId, reason);
      else this.deps.warn(`request ${msg.requestId}: ${reason}`);
    } finally {
      this.sending -= 1;
    }
  }

  /** Sends an answer again after a pause; false when it was sent too often already (or is unknown). */
  private resend(requestId: string): boolean {
    const sent = this.unconfirmed.get(requestId);
    if (!sent || sent.resends >= MAX_RESENDS || this.stopping) return false;
    sent.resends += 1;
    this.deps.warn(`the API could not store the answer to request ${requestId}; sending it again (${sent.resends} of ${MAX_RESENDS})`);
    this.track(
      new Promise<void>((resolve) => setTimeout(resolve, RESEND_DELAY_MS * sent.resends))
        .then(() => this.connection?.send(sent.answer))
        .catch((err: unknown) => this.deps.warn(`the answer to request ${requestId} was not sent again (${(err as Error).message}); the function will time out`)),
    );
    return true;
  }

  private onClose(connection: DebuggerConnection, code: number, reason: string): void {
    if (this.stopping || this.reconnecting || connection !== this.connection) return;
    clearInterval(this.keepAlive);
    // Only the connection a request was sent to may answer it: nothing unconfirmed can be sent again.
    this.unconfirmed.clear();
    this.connection = undefined;
    this.deps.warn(`the WebSocket connection closed (${code}${reason ? ` ${reason}` : ''}); reconnecting`);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    this.reconnecting = true;
    try {
      await this.reconnectWithBackoff();
    } finally {
      this.reconnecting = false;
    }
  }

  private async reconnectWithBackoff(): Promise<void> {
    const max = this.deps.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS;
    const backoff = this.deps.backoffMs ?? defaultBackoff;
    for (let attempt = 0; attempt < max; attempt++) {
      await new Promise<void>((wake) => (this.reconnectTimer = { timer: setTimeout(wake, backoff(attempt)), wake }));
      this.reconnectTimer = undefined;
      if (this.stopping) return;
      try {
        const next = await this.open();
        try {
          await this.deps.connections.adopt(next.connectionId);
        } catch (err) {
          next.connection.close();
          throw err;
        }
        this.use(next);
        this.deps.info(`reconnected as ${this.connectionId}; the functions follow the session (none updated)`);
        return;
      } catch (err) {
        this.connection?.close();
        this.connection = undefined;
        this.deps.warn(`reconnect attempt ${attempt + 1} of ${max} failed: ${(err as Error).message}`);
      }
    }
    this.fail(new CliError(`lost the WebSocket connection and could not reconnect after ${max} attempts`, 'check your network and credentials, then run plldb debug again'));
  }
}
