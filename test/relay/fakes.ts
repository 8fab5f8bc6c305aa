import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InvocationLookup, InvocationState, QueueSender } from '../../relay/src/types.js';

/** An in-memory SQS: queues by name, every send recorded, and the peak of sends in flight. */
export class FakeQueues implements QueueSender {
  readonly sent: { url: string; body: string }[] = [];
  readonly urlLookups: string[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  /** Throws this error on the next send to the URL, once. */
  readonly failNext = new Map<string, Error>();

  constructor(private readonly names: Set<string> = new Set()) {}

  async getQueueUrl(name: string): Promise<string> {
    this.urlLookups.push(name);
    await nextTurn();
    if (!this.names.has(name)) throw Object.assign(new Error('queue does not exist'), { name: 'QueueDoesNotExist' });
    return urlOf(name);
  }

  async sendMessage(url: string, body: string): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await nextTurn();
      const error = this.failNext.get(url);
      if (error !== undefined) {
        this.failNext.delete(url);
        throw error;
      }
      this.sent.push({ url, body });
    } finally {
      this.inFlight--;
    }
  }
}

export class FakeInvocations implements InvocationLookup {
  constructor(private readonly states: Map<string, InvocationState> = new Map()) {}

  async lookup(requestId: string): Promise<InvocationState> {
    return this.states.get(requestId) ?? { exists: false };
  }
}

export function urlOf(name: string): string {
  return `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
}

/** Collects log lines. */
export function memoryLog(): { lines: Record<string, unknown>[]; log: (entry: Record<string, unknown>) => void } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: (entry) => lines.push(entry) };
}
