import type { AttachmentRecord } from '../../../protocol/index.js';
import type { AttachOptions, Attacher } from '../attach/attacher.js';
import { describeDetach } from '../attach/describe.js';
import { describeError, FunctionNotFoundError } from '../errors.js';
import type { AttachedFunctions } from './attached-functions.js';

/** How often a session reads its functions' records to notice one taken over by another session. */
const OWNERSHIP_CHECK_MS = 60_000;

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
  /** The runtime of each function attached, by function name (from the attach). */
  private readonly runtimes = new Map<string, string>();
  /** Attach and detach run one after the other: a Ctrl+C during an attach detaches after it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by detachAll: a reconnect that races the shutdown must not attach again. */
  private ended = false;
  private watching: NodeJS.Timeout | undefined;

  constructor(
    private readonly attacher: Pick<Attacher, 'attach' | 'detach' | 'owner'>,
    private readonly functionNames: string[],
    private readonly sessionId: string,
    private readonly options: AttachOptions,
    private readonly info: (line: string) => void,
    private readonly warn: (line: string) => void,
    /** Told each function's configuration once attached, so requests run by what Lambda says, not by the message. */
    private readonly served?: Pick<AttachedFunctions, 'record' | 'forget'>,
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
    clearInterval(this.watching);
    return this.serial(() => this.detachEach());
  }

  /**
   * Reads each held function's record every `everyMs`: a session that lost a function to a takeover
   * learns it even without a reconnect, says so once and stops serving it (`holds` turns false).
   */
  watch(everyMs = OWNERSHIP_CHECK_MS): void {
    clearInterval(this.watching);
    this.watching = setInterval(() => void this.serial(() => this.checkOwnership()), everyMs);
    this.watching.unref();
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

  private async checkOwnership(): Promise<void> {
    for (const name of this.held) {
      if (this.ended || this.lost.has(name)) continue;
      // A failed read proves nothing: the next check or the next attach decides.
      const owner = await this.attacher.owner(name).catch(() => null);
      if (owner === null || owner?.sessionId === this.sessionId) continue;
      this.markLost(name, owner);
    }
  }

  private markLost(name: string, owner: AttachmentRecord | undefined): void {
    this.lost.add(name);
    this.attached.delete(name);
    this.served?.forget(name);
    this.warn(`${name} ${owner ? `was taken over by session ${owner.sessionId}` : 'was detached elsewhere'}: no longer debugging it here`);
  }

  private async attachEach(connectionId: string): Promise<void> {
    for (const name of this.functionNames) {
      if (this.ended) return;
      if (this.lost.has(name)) continue;
      // Recorded before trying: a failure half way may have changed the function already.
      this.attached.add(name);
      const result = await this.attacher.attach(name, { sessionId: this.sessionId, connectionId }, { ...this.options, command: 'debug', resume: this.held.has(name) });
      if (result.status === 'lost') {
        this.markLost(name, result.owner);
        continue;
      }
      this.held.add(name);
      this.runtimes.set(result.functionName, result.runtime);
      await this.served?.record(result.functionName);
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
        this.served?.forget(result.functionName);
        if (result.status !== 'not-attached') this.info(describeDetach(result));
      } catch (err) {
        if (err instanceof FunctionNotFoundError) continue;
        this.warn(`${describeError(err)}\n  -> nothing more was changed: run plldb detach --function ${name}`);
      }
    }
  }
}
