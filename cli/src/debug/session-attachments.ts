import type { AttachOptions, Attacher } from '../attach/attacher.js';
import { describeDetach } from '../commands/detach.js';
import { describeError, FunctionNotFoundError } from '../errors.js';

/**
 * The functions one debug session attaches: attached (again) to each new connection id, and
 * detached when the session ends, including one whose attach failed (it may be half attached).
 * A function another session took over is dropped: this session neither re-attaches nor detaches it.
 */
export class SessionAttachments {
  private readonly attached = new Set<string>();
  /** Functions this session attached at least once: a later attach only resumes them. */
  private readonly held = new Set<string>();
  private readonly lost = new Set<string>();
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

  attachAll(connectionId: string): Promise<void> {
    return this.serial(() => this.attachEach(connectionId));
  }

  detachAll(): Promise<void> {
    this.ended = true;
    return this.serial(() => this.detachEach());
  }

  /** Whether this session still serves the function (attached, not taken over by another session). */
  holds(functionName: string): boolean {
    return this.held.has(functionName) && !this.lost.has(functionName);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attachEach(connectionId: string): Promise<void> {
    for (const name of this.functionNames) {
      if (this.ended) return;
      if (this.lost.has(name)) continue;
      // Recorded before trying: a failure half way may have changed the function already.
      this.attached.add(name);
      const result = await this.attacher.attach(name, { sessionId: this.sessionId, connectionId }, { ...this.options, command: 'debug', resume: this.held.has(name) });
      if (result.status === 'lost') {
        this.lost.add(name);
        this.attached.delete(name);
        this.warn(`${name} ${result.owner ? `was taken over by session ${result.owner.sessionId}` : 'was detached elsewhere'}: no longer debugging it here`);
        continue;
      }
      this.held.add(name);
      for (const notice of result.notices) this.info(notice);
      if (result.firstAttach) {
        const timeout = result.timeout ? `; timeout ${result.timeout.before} s -> ${result.timeout.set} s while attached (restored at detach)` : '';
        this.info(`attached ${result.functionName} (${result.runtime}, layer ${result.layerArn})${timeout}`);
      }
    }
  }

  private async detachEach(): Promise<void> {
    for (const name of this.attached) {
      try {
        const result = await this.attacher.detach(name, { sessionId: this.sessionId });
        this.attached.delete(name);
        if (result.status !== 'not-attached') this.info(describeDetach(result));
      } catch (err) {
        if (err instanceof FunctionNotFoundError) continue;
        this.warn(`${describeError(err)}\n  -> nothing more was changed: run plldb detach --function ${name}`);
      }
    }
  }
}
