import type { QueueSender } from './types.js';

/**
 * Remembers queue URLs by name (GetQueueUrl is a round trip per record otherwise; duplicate
 * records and retries hit the same queue). Bounded: every invocation has its own queue.
 */
export class QueueUrlCache {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(
    private readonly queues: Pick<QueueSender, 'getQueueUrl'>,
    private readonly capacity: number,
  ) {}

  get(name: string): Promise<string> {
    const cached = this.urls.get(name);
    if (cached !== undefined) return cached;
    const url = this.queues.getQueueUrl(name);
    this.urls.set(name, url);
    url.catch(() => this.forget(name));
    if (this.urls.size > this.capacity) {
      const oldest = this.urls.keys().next().value;
      if (oldest !== undefined) this.urls.delete(oldest);
    }
    return url;
  }

  forget(name: string): void {
    this.urls.delete(name);
  }
}
