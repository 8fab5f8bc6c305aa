import type { ApiReply, DebuggerMessage, DebuggerRequestMessage } from '../../../protocol/index.js';
import { openWebSocket, type DebuggerConnection } from '../../../cli/src/debug/connection.js';

type Incoming = DebuggerRequestMessage | ApiReply;

interface Waiter {
  match: (message: Incoming) => boolean;
  resolve: (message: Incoming) => void;
}

/** Called for every request the runtime sends; decides how (and whether) the test debugger answers. */
export type Behaviour = (request: DebuggerRequestMessage, debuggerClient: TestDebugger) => unknown;

const WAIT_LIMIT_MS = 20_000;

/**
 * A minimal debugger for the end-to-end tests: a WebSocket client (the CLI's transport, which
 * frames messages as API Gateway requires) that learns its connection id with whoami, records
 * every message, and answers requests as the test's behaviour says. No CLI output is involved.
 */
export class TestDebugger {
  connectionId = '';
  readonly received: Incoming[] = [];
  behaviour: Behaviour | undefined;
  closed = false;
  private readonly waiters = new Set<Waiter>();

  private constructor(private readonly connection: DebuggerConnection) {}

  static async connect(url: string, behaviour?: Behaviour): Promise<TestDebugger> {
    // Messages can arrive before the client object exists: they wait in `early`.
    const holder: { client?: TestDebugger } = {};
    const early: string[] = [];
    const connection = await openWebSocket(url, {
      onMessage: (text) => (holder.client ? holder.client.onMessage(text) : early.push(text)),
      onClose: () => {
        if (holder.client) holder.client.closed = true;
      },
    });
    const client = new TestDebugger(connection);
    holder.client = client;
    client.behaviour = behaviour;
    for (const text of early) client.onMessage(text);
    const [reply] = await Promise.all([client.next((m) => 'type' in m && m.type === 'whoami'), client.send({ action: 'whoami' })]);
    client.connectionId = (reply as { connectionId: string }).connectionId;
    return client;
  }

  send(message: DebuggerMessage | Record<string, unknown>): Promise<void> {
    return this.connection.send(message as DebuggerMessage);
  }

  /** The next request message (optionally for one function), including one already received and not yet taken. */
  request(functionName?: string): Promise<DebuggerRequestMessage> {
    return this.next((m) => m.type === 'request' && (functionName === undefined || m.lambdaFunctionName === functionName)) as Promise<DebuggerRequestMessage>;
  }

  /** Sends a result (already serialized JSON) and waits for the API's reply to it. */
  answer(requestId: string, response: string, statusCode = 200): Promise<ApiReply> {
    return this.sendAndAwaitReply({ action: 'response', requestId, statusCode, response });
  }

  /** Sends a handler error and waits for the API's reply to it. */
  answerError(requestId: string, errorMessage: string, errorType: string): Promise<ApiReply> {
    return this.sendAndAwaitReply({ action: 'response', requestId, statusCode: 500, errorMessage, errorType, stackTrace: ['at handler (index.mjs:1:1)'] });
  }

  close(): void {
    this.connection.close();
  }

  private async sendAndAwaitReply(message: DebuggerMessage & { requestId: string }): Promise<ApiReply> {
    const reply = this.next((m) => m.type !== 'request' && m.type !== 'whoami' && 'requestId' in m && m.requestId === message.requestId, false);
    await this.send(message);
    return (await reply) as ApiReply;
  }

  /** Waits for a message matching `match`; with `includeSeen`, one received earlier counts (and is taken). */
  private next(match: (message: Incoming) => boolean, includeSeen = true): Promise<Incoming> {
    if (includeSeen) {
      const index = this.unclaimed.findIndex(match);
      if (index !== -1) return Promise.resolve(this.unclaimed.splice(index, 1)[0] as Incoming);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`test debugger: no matching message within ${WAIT_LIMIT_MS} ms`));
      }, WAIT_LIMIT_MS);
      const waiter: Waiter = {
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Messages nobody has waited for yet. */
  private readonly unclaimed: Incoming[] = [];

  private onMessage(text: string): void {
    const message = JSON.parse(text) as Incoming;
    this.received.push(message);
    const waiter = [...this.waiters].find((w) => w.match(message));
    if (waiter) {
      this.waiters.delete(waiter);
      waiter.resolve(message);
    } else if (!(message.type === 'request' && this.behaviour)) {
      this.unclaimed.push(message);
    }
    if (message.type === 'request' && this.behaviour) void Promise.resolve(this.behaviour(message, this)).catch(() => undefined);
  }
}
