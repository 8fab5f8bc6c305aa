/** Lambda returns at most the last 4 KB of an invocation's log (LogType Tail). */
const TAIL_BYTES = 4096;

/** One invocation's log as Lambda's log stream shows it: START, the function's lines, END, REPORT. */
export class InvocationLog {
  private readonly lines: string[] = [];
  private startedAt = 0;
  private endedAt: number | undefined;
  private memory = '';

  constructor(private readonly requestId: string) {}

  start(): void {
    this.startedAt = Date.now();
    this.lines.push(`START RequestId: ${this.requestId} Version: $LATEST`);
  }

  add(line: string): void {
    this.lines.push(line);
  }

  /** Ends the invocation; the REPORT line then says the function's memory and the peak used, as Lambda's does. */
  end(memorySizeMb?: number, maxMemoryUsedMb?: number): void {
    this.endedAt = Date.now();
    if (memorySizeMb !== undefined && maxMemoryUsedMb !== undefined) this.memory = `\tMemory Size: ${memorySizeMb} MB\tMax Memory Used: ${maxMemoryUsedMb} MB`;
  }

  /** Base64 of the last 4 KB. */
  tail(): string {
    const lines = [...this.lines];
    if (this.endedAt !== undefined) {
      const duration = (this.endedAt - this.startedAt).toFixed(2);
      lines.push(`END RequestId: ${this.requestId}`, `REPORT RequestId: ${this.requestId}\tDuration: ${duration} ms${this.memory}`);
    }
    const text = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
    return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
  }
}
