import { EventEmitter } from 'node:events';

export type DynamoDbThrottleKind = 'ProvisionedThroughputExceededException' | 'ThrottlingException';

export interface SandboxConditionsOptions {
  /** Delay before every AWS call any sandbox service answers (e.g. 10 to look like a region). */
  callDelayMs?: number;
  /** How long a stream record takes to reach the event source mapping (e.g. 250). */
  streamDelayMs?: number;
}

/**
 * Latency and fault switches shared by every sandbox service. Services read them on each call,
 * so a test can flip a switch at any moment. Emits 'change' when a switch that a waiting
 * component must react to (stream delay, stream paused) changes.
 */
export class SandboxConditions extends EventEmitter {
  callDelayMs: number;
  private streamDelay: number;
  private paused = false;
  private sqsFailure: { code: string; operations?: ReadonlySet<string> } | undefined;
  private readonly sqsDenials = new Map<string, ReadonlySet<string>>();
  private dynamoThrottle: { remaining: number; kind: DynamoDbThrottleKind } | undefined;
  private stsFailure: string | undefined;

  constructor(options: SandboxConditionsOptions = {}) {
    super();
    this.callDelayMs = options.callDelayMs ?? 0;
    this.streamDelay = options.streamDelayMs ?? 0;
  }

  get streamDelayMs(): number {
    return this.streamDelay;
  }

  set streamDelayMs(ms: number) {
    this.streamDelay = ms;
    this.emit('change');
  }

  /** Stops delivering stream records to the event source mapping's target (they wait, none is lost). */
  pauseStream(): void {
    this.paused = true;
    this.emit('change');
  }

  resumeStream(): void {
    this.paused = false;
    this.emit('change');
  }

  get streamPaused(): boolean {
    return this.paused;
  }

  /** Makes SQS calls (all, or only the named operations such as 'ReceiveMessage') fail with an SQS error code; undefined heals. */
  failSqs(code: string | undefined, operations?: readonly string[]): void {
    this.sqsFailure = code === undefined ? undefined : { code, ...(operations ? { operations: new Set(operations) } : {}) };
  }

  /**
   * Refuses SQS operations to one caller (by access key id) with AccessDenied, as a missing IAM
   * permission would (e.g. switching off one writer's SendMessage); undefined lifts it.
   */
  denySqs(accessKeyId: string, operations: readonly string[] | undefined): void {
    if (operations === undefined) this.sqsDenials.delete(accessKeyId);
    else this.sqsDenials.set(accessKeyId, new Set(operations));
  }

  /** The error code an SQS call must fail with now, if any. */
  sqsFailureFor(operation: string, accessKeyId?: string): string | undefined {
    if (accessKeyId !== undefined && this.sqsDenials.get(accessKeyId)?.has(operation)) return 'AccessDenied';
    const failure = this.sqsFailure;
    if (!failure || (failure.operations && !failure.operations.has(operation))) return undefined;
    return failure.code;
  }

  /** Throttles the next `calls` DynamoDB calls (SDK retries count as calls). */
  throttleDynamoDb(calls: number, kind: DynamoDbThrottleKind = 'ProvisionedThroughputExceededException'): void {
    this.dynamoThrottle = calls > 0 ? { remaining: calls, kind } : undefined;
  }

  /** Consumes one throttled call, if any is left. */
  takeDynamoDbThrottle(): DynamoDbThrottleKind | undefined {
    const throttle = this.dynamoThrottle;
    if (!throttle) return undefined;
    throttle.remaining -= 1;
    if (throttle.remaining <= 0) this.dynamoThrottle = undefined;
    return throttle.kind;
  }

  /** Makes STS AssumeRole fail with an error code (e.g. 'AccessDenied'); undefined heals. */
  failSts(code: string | undefined): void {
    this.stsFailure = code;
  }

  get stsFailureCode(): string | undefined {
    return this.stsFailure;
  }

  /** Waits the per-call delay; ends early when the signal aborts (the caller went away). */
  async delayCall(signal?: AbortSignal): Promise<void> {
    await sleep(this.callDelayMs, signal);
  }
}

/** A timer as a promise that ends early, without error, when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
