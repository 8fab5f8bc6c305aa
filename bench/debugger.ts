import WebSocket from 'ws';
import type { ApiReply, DebuggerRequestMessage, DebuggerResponseMessage } from '../protocol/index.js';
import { preciseNow } from '../sandbox/common/clock.js';

/** When the bench debugger saw a request and answered it (the bench process's clock). */
export interface DebuggerTimes {
  requestId: string;
  functionName: string;
  receivedAt: number;
  sentAt?: number;
}

/** How long the debugger "runs the handler" before answering, drawn per request. */
export type AnswerDelay = () => number;

export const instant: AnswerDelay = () => 0;

/** Uniform in [fromMs, toMs): a person stepping through code, never in step with a fixed poll period. */
export function jittered(fromMs: number, toMs: number, random: () => number = Math.random): AnswerDelay {
  return () => fromMs + random() * (toMs - fromMs);
}

const WHOAMI_TIMEOUT_MS = 10_000;

/**
 * A debugger client that answers every request with a fixed result after `answerDelay`, recording
 * when each request arrived and when its answer left. Replies of the API are collected as problems
 * when they are errors.
 */
export class BenchDebugger {
  answerDelay: AnswerDelay = instant;
  /** When set, each request is answered with what this returns (e.g. a handler run locally), as soon as it does. */
  answerWith: ((request: DebuggerRequestMessage) => Promise<DebuggerResponseMessage>) | undefined;
  readonly times = new Map<string, DebuggerTimes>();
  readonly problems: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly answering = new Set<Promise<void>>();

  private constructor(
    private readonly ws: WebSocket,
    readonly connectionId: string,
  ) {
    ws.on('message', (data: Buffer) => this.onMessage(data.toString('utf8')));
  }

  static async connect(url: string): Promise<BenchDebugger> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const connectionId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no whoami reply from ${url} within ${WHOAMI_TIMEOUT_MS} ms`)), WHOAMI_TIMEOUT_MS);
      const listener = (data: Buffer) => {
        const reply = JSON.parse(data.toString('utf8')) as ApiReply;
        if (reply.type !== 'whoami') return;
        clearTimeout(timer);
        ws.off('message', listener);
        resolve(reply.connectionId);
      };
      ws.on('message', listener);
      ws.send(JSON.stringify({ action: 'whoami' }));
    });
    return new BenchDebugger(ws, connectionId);
  }

  /** Resolves once every answer scheduled so far has been sent. */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.answering.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private onMessage(text: string): void {
    const receivedAt = preciseNow();
    const message = JSON.parse(text) as DebuggerRequestMessage | ApiReply;
    if (message.type === 'error') {
      this.problems.push(`the API refused an answer${message.requestId ? ` to ${message.requestId}` : ''}: ${message.message}`);
      return;
    }
    if (message.type !== 'request') return;
    const entry: DebuggerTimes = { requestId: message.requestId, functionName: message.lambdaFunctionName, receivedAt };
    this.times.set(message.requestId, entry);
    if (this.answerWith) {
      const answering = this.answerWith(message).then(
        (response) => {
          entry.sentAt = preciseNow();
          this.ws.send(JSON.stringify(response));
        },
        (err: unknown) => void this.problems.push(`no answer to ${message.requestId}: ${(err as Error).message}`),
      );
      this.answering.add(answering);
      void answering.finally(() => this.answering.delete(answering));
      return;
    }
    const delay = this.answerDelay();
    const answer = (): void => {
      const response: DebuggerResponseMessage = { action: 'response', requestId: message.requestId, statusCode: 200, response: JSON.stringify({ ok: true }) };
      entry.sentAt = preciseNow();
      this.ws.send(JSON.stringify(response));
    };
    if (delay <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, delay);
    this.timers.add(timer);
  }
}
