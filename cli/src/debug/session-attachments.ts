import type { AttachOptions, Attacher } from '../attach/attacher.js';
import { describeError, FunctionNotFoundError } from '../errors.js';

/**
 * The functions one debug session attaches: attached (again) to each new connection id, and
 * detached when the session ends, including one whose attach failed (it may be half attached).
 */
export class SessionAttachments {
  private readonly attached = new Set<string>();
  /** The runtime of each function attached, by function name (from the attach). */
  private readonly runtimes = new Map<string, string>();
  /** Attach and detach run one after the other: a Ctrl+C during an attach detaches after it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by detachAll: a reconnect that races the shutdown must not attach again. */
  private ended = false;

  constructor(
    private readonly attacher: Pick<Attacher, 'attach' | 'detach'>,
    private readonly functionNames: string[],
    private readonly sessionId: string,
    private readonly options: AttachOptions,
    private readonly info: (line: string) => void,
    private readonly warn: (line: string) => void,
  ) {}

  /** The functions attached (or possibly half attached) and not detached yet. */
  stillAttached(): string[] {
    return [...this.attached];
  }

  /** Each attached function's name and runtime (e.g. to start Python environments early). */
  attachedRuntimes(): { functionName: string; runtime: string }[] {
    return [...this.runtimes].map(([functionName, runtime]) => ({ functionName, runtime }));
  }

  attachAll(connectionId: string): Promise<void> {
    return this.serial(() => this.attachEach(connectionId));
  }

  detachAll(): Promise<void> {
    this.ended = true;
    return this.serial(() => this.detachEach());
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attachEach(connectionId: string): Promise<void> {
    for (const name of this.functionNames) {
      if (this.ended) return;
      // Recorded before trying: a failure half way may have changed the function already.
      this.attached.add(name);
      const result = await this.attacher.attach(name, { sessionId: this.sessionId, connectionId }, this.options);
      this.runtimes.set(result.functionName, result.runtime);
      if (result.firstAttach) this.info(`attached ${result.functionName} (${result.runtime}, layer ${result.layerArn})`);
    }
  }

  private async detachEach(): Promise<void> {
    for (const name of this.attached) {
      try {
        const result = await this.attacher.detach(name);
        this.attached.delete(name);
        if (result.status === 'restored') this.info(`detached ${result.functionName}: configuration restored`);
      } catch (err) {
        if (err instanceof FunctionNotFoundError) continue;
        this.warn(`${describeError(err)}\n  -> the saved configuration is kept: run plldb detach --function ${name}`);
      }
    }
  }
}
