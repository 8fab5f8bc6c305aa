import { readFileSync } from 'node:fs';

/** Resident memory (VmRSS) of a process in KB from /proc, or undefined once it is gone. */
export function residentKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the resident memory of a changing set of processes over time. */
export class MemorySampler {
  /** pid -> samples (KB) in time order. */
  readonly samples = new Map<number, number[]>();

  sample(pids: Iterable<number>): void {
    for (const pid of pids) {
      const kb = residentKb(pid);
      if (kb === undefined) continue;
      const list = this.samples.get(pid) ?? [];
      list.push(kb);
      this.samples.set(pid, list);
    }
  }

  /** Average VmRSS (KB) over the processes with at least `minSamples`, at each fraction of their sampled life (0 = first, 1 = last). */
  curve(fractions: readonly number[], minSamples = 3): number[] {
    const lists = this.lists(minSamples);
    return fractions.map((f) => {
      if (lists.length === 0) return 0;
      const sum = lists.reduce((total, list) => total + (list[Math.round((list.length - 1) * f)] as number), 0);
      return Math.round(sum / lists.length);
    });
  }

  /** The largest sample (KB) of any process, over the part of its sampled life from `from` to `to` (fractions). */
  peakKb(from = 0, to = 1): number {
    const peaks = this.lists(1).map((list) => Math.max(...list.slice(Math.floor((list.length - 1) * from), Math.floor((list.length - 1) * to) + 1)));
    return Math.max(0, ...peaks);
  }

  /** How many processes have at least `minSamples`. */
  processes(minSamples = 3): number {
    return this.lists(minSamples).length;
  }

  private lists(minSamples: number): number[][] {
    return [...this.samples.values()].filter((list) => list.length >= minSamples);
  }
}
