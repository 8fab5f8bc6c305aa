import WebSocket from 'ws';
import type { ApiReply, DebuggerRequestMessage, DebuggerResponseMessage } from '../../../protocol/index.js';

/** API Gateway closes a connection that sends a frame over 32 KB: larger messages go as continuation frames. */
const MAX_FRAME_BYTES = 32 * 1024;

/** What a scripted debugger does with each request it is sent. */
export type Behaviour = (request: DebuggerRequestMessage, debuggerClient: ScriptedDebugger) => Promise<void> | void;

export type AnswerBody = Partial<Pick<DebuggerResponseMessage, 'response' | 'errorMessage' | 'errorType' | 'statusCode'>>;

/** How a raw send ended: the API's reply, or the connection closed (code) before one came. */
export type SendOutcome = { kind: 'reply'; reply: ApiReply } | { kind: 'closed'; code: number };

/**
 * A debugger stand-in over a real WebSocket: it receives the runtime's request messages and answers
 * them as the test scripts it (late, twice, for another connection, garbage), recording every
 * request and every reply the API sends back.
 */
export class ScriptedDebugger {
  readonly requests: DebuggerRequestMessage[] = [];
  readonly replies: ApiReply[] = [];
  connectionId = '';
  closeCode: number | undefined;
  /** Answers sent again because the API asked for it (a transient store failure). */
  resends = 0;
  private readonly waiters: { matches: (reply: ApiReply) => boolean; settle: (outcome: SendOutcome) => void }[] = [];
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly ws: WebSocket,
    private behaviour: Behaviour,
  ) {
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const waiter of this.waiters.splice(0)) waiter.settle({ kind: 'closed', code });
    });
  }

  /** Connects to the WebSocket API and learns its own connection id (whoami). */
  static async connect(url: string, behaviour: Behaviour = () => undefined): Promise<ScriptedDebugger> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new ScriptedDebugger(ws, behaviour);
    const outcome = await client.sendRaw(JSON.stringify({ action: 'whoami' }), (r) => r.type === 'whoami');
    if (outcome.kind !== 'reply' || outcome.reply.type !== 'whoami') throw new Error(`whoami failed: ${JSON.stringify(outcome)}`);
    client.connectionId = outcome.reply.connectionId;
    return client;
  }

  setBehaviour(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  /** Sends an answer for `requestId` and resolves with the API's reply to it. */
  answer(requestId: string, body: AnswerBody): Promise<SendOutcome> {
    const message = { action: 'response', requestId, statusCode: body.statusCode ?? (body.errorMessage !== undefined ? 500 : 200), ...body };
    return this.sendRaw(JSON.stringify(message), (r) => r.type !== 'whoami' && r.requestId === requestId);
  }

  /**
   * Sends any text (in 32 KB frames, as API Gateway requires) and resolves with the first reply that
   * `matches` (default: the next error reply without a request id), or with the close code.
   */
  sendRaw(text: string, matches: (reply: ApiReply) => boolean = (r) => r.type === 'error' && r.requestId === undefined): Promise<SendOutcome> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve({ kind: 'closed', code: this.closeCode ?? 1006 });
    const outcome = new Promise<SendOutcome>((settle) => this.waiters.push({ matches, settle }));
    const data = Buffer.from(text, 'utf8');
    for (let offset = 0; offset === 0 || offset < data.length; offset += MAX_FRAME_BYTES) {
      this.ws.send(data.subarray(offset, offset + MAX_FRAME_BYTES), { binary: false, fin: offset + MAX_FRAME_BYTES >= data.length });
    }
    return outcome;
  }

  /** Waits until every behaviour started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cuts the connection from the client side without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1000, 'test done');
    await closed;
  }

  private onMessage(text: string): void {
    const message = JSON.parse(text) as DebuggerRequestMessage | ApiReply;
    if (message.type === 'request') {
      this.requests.push(message);
      const run = Promise.resolve(this.behaviour(message, this)).catch(() => undefined);
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
      return;
    }
    this.replies.push(message);
    const index = this.waiters.findIndex((w) => w.matches(message));
    if (index >= 0) this.waiters.splice(index, 1)[0]?.settle({ kind: 'reply', reply: message });
  }
}

/** The handler the scripted debugger "runs": it echoes the event, so each caller can check it got its own answer. */
export function echoResponse(request: DebuggerRequestMessage): string {
  return JSON.stringify({ echo: request.event === undefined ? null : (JSON.parse(request.event) as unknown), requestId: request.requestId });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const SEND_ATTEMPTS = 4;

/**
 * Behaviour: answer with the echo after a random delay of up to `maxDelayMs`, sending it again
 * (after a short pause) while the API replies that nothing was stored and asks for it (`retry`).
 */
export function answerAfterRandomDelay(maxDelayMs: number): Behaviour {
  return async (request, client) => {
    await sleep(Math.random() * maxDelayMs);
    for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
      const outcome = await client.answer(request.requestId, { response: echoResponse(request) });
      if (!(outcome.kind === 'reply' && outcome.reply.type === 'error' && outcome.reply.retry)) return;
      client.resends += 1;
      await sleep(100 * attempt);
    }
  };
}
