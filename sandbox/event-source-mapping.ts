import { matchesAnyFilter, parseFilterPattern, type FilterPattern } from '../protocol/event-pattern.js';
import { SandboxConditions } from './latency.js';
import type { CapturedRecord, StreamLog } from './dynamodb/stream-log.js';
import type { StreamRecord } from './dynamodb/stream-record.js';

export interface DynamoDbStreamEvent {
  Records: StreamRecord[];
}

export interface BatchResponse {
  batchItemFailures?: { itemIdentifier?: string | null }[];
}

export interface EventSourceMappingOptions {
  /** The table's stream (`DynamoDbService.stream(table)`). */
  stream: StreamLog;
  /** Invokes the target function with Lambda's DynamoDB event; a rejection fails the whole batch. */
  invoke: (event: DynamoDbStreamEvent) => Promise<BatchResponse | void | undefined | null>;
  /** FilterCriteria patterns (OR), objects or `Filters[].Pattern` strings; records matching none are dropped. Empty or absent: all pass. */
  filterPatterns?: readonly (FilterPattern | string)[];
  /** Lambda's BatchSize (DynamoDB default 100). */
  batchSize?: number;
  /** Lambda's MaximumBatchingWindowInSeconds, in ms (default 0). */
  maximumBatchingWindowMs?: number;
  /** Lambda's MaximumRetryAttempts; after that the failed records are discarded (default 10). */
  maximumRetryAttempts?: number;
  /** FunctionResponseTypes ReportBatchItemFailures (default true). */
  reportBatchItemFailures?: boolean;
  /** Pause before retrying a failed batch (default 100 ms). */
  retryDelayMs?: number;
  /** Stream delay and the pause switch. */
  conditions?: SandboxConditions;
  /** Structured log lines (one object per event); none by default. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface EventSourceMappingStats {
  invocations: number;
  failedInvocations: number;
  deliveredRecords: number;
  filteredOutRecords: number;
  discardedRecords: number;
}

/**
 * A stand-in for Lambda's DynamoDB event source mapping on one shard: reads records in order
 * once the stream delay has passed, filters, batches, invokes one batch at a time, and on
 * failure retries from the first failed record (ReportBatchItemFailures) or the whole batch.
 * Starts at LATEST: records written before `start()` are not delivered.
 */
export class EventSourceMapping {
  readonly stats: EventSourceMappingStats = { invocations: 0, failedInvocations: 0, deliveredRecords: 0, filteredOutRecords: 0, discardedRecords: 0 };
  private readonly conditions: SandboxConditions;
  private readonly patterns: readonly FilterPattern[];
  private readonly pending: CapturedRecord[] = [];
  private readPosition = 0;
  private attempts = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly onChange = (): void => this.notify();

  constructor(private readonly options: EventSourceMappingOptions) {
    this.conditions = options.conditions ?? new SandboxConditions();
    // Lambda refuses a malformed pattern when the mapping is created, not at the first record.
    this.patterns = (options.filterPatterns ?? []).map((p) => (typeof p === 'string' ? parseFilterPattern(p) : p));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.readPosition = this.options.stream.length;
    this.unsubscribe = this.options.stream.subscribe(() => this.notify());
    this.conditions.on('change', this.onChange);
    this.loop = this.run();
  }

  /** Stops reading; waits for a batch in flight to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.conditions.off('change', this.onChange);
    this.notify();
    await this.loop;
    this.releaseIdle();
  }

  /** Resolves once every record written so far has been delivered, dropped or discarded. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.conditions.streamPaused) {
        await this.sleep();
        continue;
      }
      const nextVisibleIn = this.read();
      const batch = this.pending.slice(0, this.options.batchSize ?? 100);
      const windowLeft = batch.length > 0 ? this.windowLeft(batch) : 0;
      if (batch.length === 0 || windowLeft > 0) {
        if (this.isIdle()) this.releaseIdle();
        await this.sleep(batch.length === 0 ? nextVisibleIn : Math.min(windowLeft, nextVisibleIn ?? Infinity));
        continue;
      }
      const retry = await this.deliver(batch);
      if (retry && this.running) await this.sleep(this.options.retryDelayMs ?? 100, true);
    }
  }

  /** Moves records whose stream delay has passed into `pending`; returns ms until the next one shows, if any. */
  private read(): number | undefined {
    const delay = this.conditions.streamDelayMs;
    for (let entry = this.options.stream.at(this.readPosition); entry; entry = this.options.stream.at(this.readPosition)) {
      const visibleIn = entry.capturedAt + delay - Date.now();
      if (visibleIn > 0) return visibleIn;
      this.readPosition += 1;
      if (this.patterns.length === 0 || matchesAnyFilter(this.patterns, entry.record)) this.pending.push(entry);
      else this.stats.filteredOutRecords += 1;
    }
    return undefined;
  }

  private windowLeft(batch: CapturedRecord[]): number {
    const windowMs = this.options.maximumBatchingWindowMs ?? 0;
    if (windowMs <= 0 || batch.length >= (this.options.batchSize ?? 100)) return 0;
    const first = batch[0] as CapturedRecord;
    return first.capturedAt + this.conditions.streamDelayMs + windowMs - Date.now();
  }

  /** Invokes the target with one batch; returns true when part of it must be retried. */
  private async deliver(batch: CapturedRecord[]): Promise<boolean> {
    const records = batch.map((e) => e.record);
    this.stats.invocations += 1;
    let failedFrom: number;
    try {
      const response = await this.options.invoke({ Records: structuredClone(records) });
      failedFrom = this.firstFailure(records, response);
    } catch (error) {
      this.options.log?.({ level: 'warn', event: 'esm-invoke-failed', records: records.length, error: error instanceof Error ? error.message : String(error) });
      failedFrom = 0;
    }
    this.pending.splice(0, failedFrom === -1 ? batch.length : failedFrom);
    this.stats.deliveredRecords += failedFrom === -1 ? batch.length : failedFrom;
    if (failedFrom === -1) {
      this.attempts = 0;
      return false;
    }
    this.stats.failedInvocations += 1;
    this.attempts = failedFrom > 0 ? 1 : this.attempts + 1;
    if (this.attempts > (this.options.maximumRetryAttempts ?? 10)) {
      const discarded = batch.length - failedFrom;
      this.pending.splice(0, discarded);
      this.stats.discardedRecords += discarded;
      this.attempts = 0;
      this.options.log?.({ level: 'error', event: 'esm-records-discarded', records: discarded, firstSequenceNumber: records[failedFrom]?.dynamodb.SequenceNumber });
      return false;
    }
    return true;
  }

  /**
   * Index of the record to retry from, or -1 for success. As Lambda does: the lowest reported
   * sequence number; an identifier that is empty or not in the batch fails the whole batch.
   */
  private firstFailure(records: StreamRecord[], response: BatchResponse | void | undefined | null): number {
    const failures = response?.batchItemFailures ?? [];
    if (this.options.reportBatchItemFailures === false || failures.length === 0) return -1;
    let first = Infinity;
    for (const failure of failures) {
      const index = records.findIndex((r) => r.dynamodb.SequenceNumber === failure.itemIdentifier);
      if (index === -1) return 0;
      first = Math.min(first, index);
    }
    return first;
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.readPosition >= this.options.stream.length;
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private notify(): void {
    this.wake?.();
  }

  /** Waits for a stream append, a switch change, stop(), or `ms`; with `onlyStop`, for stop() or `ms`. */
  private sleep(ms?: number, onlyStop = false): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), Math.max(0, ms));
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = onlyStop ? () => !this.running && done() : done;
      if (!this.running) done();
    });
  }
}
