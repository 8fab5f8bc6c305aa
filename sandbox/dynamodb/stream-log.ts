import type { StreamRecord } from './stream-record.js';

export interface CapturedRecord {
  record: StreamRecord;
  /** Epoch ms when the write completed; the stream delay counts from here. */
  capturedAt: number;
}

/** One table's stream: records in write order, read by position like a shard iterator. */
export class StreamLog {
  private readonly entries: CapturedRecord[] = [];
  private readonly listeners = new Set<() => void>();

  append(record: StreamRecord): void {
    this.entries.push({ record, capturedAt: Date.now() });
    for (const listener of this.listeners) listener();
  }

  get length(): number {
    return this.entries.length;
  }

  at(position: number): CapturedRecord | undefined {
    return this.entries[position];
  }

  /** Every record so far (for tests and diagnostics). */
  records(): StreamRecord[] {
    return this.entries.map((e) => e.record);
  }

  /** Calls `listener` after each append; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
