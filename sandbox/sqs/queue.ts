import { createHash, randomUUID } from 'node:crypto';
import { numericAttribute } from './attributes.js';

export interface StoredMessage {
  id: string;
  body: string;
  md5: string;
  messageAttributes?: Record<string, unknown>;
  senderId: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receiptHandle?: string;
}

/** One queue's messages, visibility and waiting receives. Times are epoch milliseconds. */
export class Queue {
  readonly createdAt = Date.now();
  lastModifiedAt = this.createdAt;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    public attributes: Record<string, string>,
  ) {}

  send(body: string, delaySeconds: number | undefined, senderId: string, messageAttributes?: Record<string, unknown>): StoredMessage {
    const now = Date.now();
    const delay = delaySeconds ?? numericAttribute(this.attributes, 'DelaySeconds');
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5: createHash('md5').update(body, 'utf8').digest('hex'),
      ...(messageAttributes ? { messageAttributes } : {}),
      senderId,
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    this.messages.set(message.id, message);
    this.wakeWaiters();
    return message;
  }

  /** Takes up to `max` visible messages and hides them for the visibility timeout. */
  receive(max: number, visibilityTimeoutSeconds: number | undefined): StoredMessage[] {
    const now = Date.now();
    this.dropExpired(now);
    const timeout = visibilityTimeoutSeconds ?? numericAttribute(this.attributes, 'VisibilityTimeout');
    const taken: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.visibleAt = now + timeout * 1000;
      message.receiptHandle = encodeReceiptHandle(this.name, message.id);
      taken.push({ ...message });
    }
    return taken;
  }

  /** Deletes the message the handle was issued for; a stale handle of a re-received message deletes nothing. */
  delete(messageId: string, receiptHandle: string): void {
    const message = this.messages.get(messageId);
    if (message?.receiptHandle === receiptHandle) this.messages.delete(messageId);
  }

  purge(): void {
    this.messages.clear();
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = Date.now();
    this.dropExpired(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  /**
   * Resolves when a message may have become receivable (sent, or a hidden one turning visible),
   * after `ms`, or when the signal aborts; the waiter and its timer are gone afterwards.
   */
  waitForMessage(ms: number, signal: AbortSignal): Promise<void> {
    const now = Date.now();
    let nextVisible = Infinity;
    for (const m of this.messages.values()) if (m.visibleAt > now) nextVisible = Math.min(nextVisible, m.visibleAt - now);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, nextVisible)));
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  get waiterCount(): number {
    return this.waiters.size;
  }

  /** Ends every waiting receive (the queue is deleted or the service stops). */
  close(): void {
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private dropExpired(now: number): void {
    const retentionMs = numericAttribute(this.attributes, 'MessageRetentionPeriod') * 1000;
    for (const [id, m] of this.messages) if (now - m.sentAt > retentionMs) this.messages.delete(id);
  }
}

export function encodeReceiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName} ${messageId} ${randomUUID()}`, 'utf8').toString('base64');
}

export function decodeReceiptHandle(handle: string): { queueName: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return { queueName: parts[0], messageId: parts[1] };
}
