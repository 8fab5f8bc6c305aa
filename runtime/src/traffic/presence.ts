import type { Logger } from '../logger.js';

/**
 * Whether a debugger is connected: the one place that decides it. Connected until the connection is
 * found gone (410 at PostToConnection, or the debugger disconnected while an invocation waited); then
 * gone until a check finds it back. Checks run at most every `checkEveryMs`, beside a pass-through
 * invocation (never in front of one), so pass-through costs nothing while no debugger is back.
 */
export class DebuggerPresence {
  private isGone = false;
  private lastCheckAt = 0;
  private checking = false;

  constructor(
    /** True when the debugger's connection exists (GetConnection); throws when that cannot be told. */
    private readonly probe: () => Promise<boolean>,
    private readonly checkEveryMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get connected(): boolean {
    return !this.isGone;
  }

  gone(requestId: string): void {
    if (this.isGone) return;
    this.isGone = true;
    this.lastCheckAt = this.now();
    this.logger.log('INFO', 'debugger_gone', { requestId, checkEveryMs: this.checkEveryMs });
  }

  /** While gone and a check is due: asks whether the connection is back. */
  async recheck(requestId: string): Promise<void> {
    if (!this.isGone || this.checking || this.now() - this.lastCheckAt < this.checkEveryMs) return;
    this.checking = true;
    this.lastCheckAt = this.now();
    try {
      if (await this.probe()) {
        this.isGone = false;
        this.logger.log('INFO', 'debugger_back', { requestId });
      }
    } catch (err) {
      // Unknown (e.g. no permission for GetConnection): the next invocation tries the debugger, and a 410 there brings pass-through back.
      this.isGone = false;
      this.logger.log('WARN', 'debugger_check_failed', { requestId, error: (err as Error).message });
    } finally {
      this.checking = false;
    }
  }
}
