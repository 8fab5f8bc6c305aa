import { readFileSync } from 'node:fs';

/** How often the resident memory is checked against the function's memory. */
const CHECK_INTERVAL_MS = 50;
const KB_PER_MB = 1024;

/**
 * The memory an execution environment's runtime process uses, as Lambda counts it against the
 * function's MemorySize: the REPORT line's "Max Memory Used" is the peak (VmHWM), and a process
 * whose resident memory passes MemorySize is killed (the caller gets Runtime.ExitError,
 * "signal: killed"). Reads /proc; where there is none (not Linux) it reports nothing and never kills.
 */
export class MemoryWatch {
  private readonly timer: NodeJS.Timeout | undefined;
  private exceeded = false;

  constructor(
    private readonly pid: number,
    private readonly limitMb: number,
    onExceeded: (usedMb: number) => void,
  ) {
    if (statusField(pid, 'VmRSS') === undefined) return;
    this.timer = setInterval(() => {
      const usedMb = this.residentMb();
      if (usedMb === undefined || usedMb <= this.limitMb || this.exceeded) return;
      this.exceeded = true;
      onExceeded(usedMb);
    }, CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Peak resident memory of the process so far, in MB (rounded up, as the REPORT line shows it). */
  peakMb(): number | undefined {
    const kb = statusField(this.pid, 'VmHWM');
    return kb === undefined ? undefined : Math.ceil(kb / KB_PER_MB);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private residentMb(): number | undefined {
    const kb = statusField(this.pid, 'VmRSS');
    return kb === undefined ? undefined : kb / KB_PER_MB;
  }
}

/** A `kB` field of /proc/<pid>/status, or undefined when the process (or /proc) is not there. */
function statusField(pid: number, field: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}
