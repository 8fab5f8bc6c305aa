/** Percentiles of one run's samples, and the median-with-spread of a figure over repeated runs. */

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** A figure over repeated runs: the median of the runs' values, and their range. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  /** One value per run, in run order. */
  runs: number[];
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function distribution(samples: readonly number[]): Distribution {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: percentile(samples, 100) };
}

/** Median of the values (mean of the middle two for an even count); NaN values are left out. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function figure(runs: readonly number[]): Figure {
  const known = runs.filter((v) => !Number.isNaN(v));
  return {
    median: median(known),
    min: known.length ? Math.min(...known) : Number.NaN,
    max: known.length ? Math.max(...known) : Number.NaN,
    runs: [...runs],
  };
}

/** Figures of each percentile of a distribution measured once per run. */
export function distributionFigures(perRun: readonly Distribution[]): { p50: Figure; p95: Figure; max: Figure } {
  return { p50: figure(perRun.map((d) => d.p50)), p95: figure(perRun.map((d) => d.p95)), max: figure(perRun.map((d) => d.max)) };
}

/** Per-run ratios a/b (same run), as a figure. */
export function ratioFigure(a: readonly number[], b: readonly number[]): Figure {
  return figure(a.map((value, i) => value / (b[i] as number)));
}

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
export function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  return n < 2 || sxx === 0 ? Number.NaN : sxy / sxx;
}
