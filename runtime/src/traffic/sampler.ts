/** Observe mode: at most one copy per `everyMs` in this execution environment (0: every invocation). */
export class Sampler {
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(): boolean {
    const now = this.now();
    if (now - this.lastAt < this.everyMs) return false;
    this.lastAt = now;
    return true;
  }
}
