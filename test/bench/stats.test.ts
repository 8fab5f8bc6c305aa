import { describe, expect, it } from '@jest/globals';
import { summarizeMemory } from '../../bench/measure/footprint.js';
import { distribution, figure, median, percentile, ratioFigure, slope } from '../../bench/stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(100);
    expect(percentile(samples, 10)).toBe(10);
    expect(percentile(samples, 0)).toBe(10);
    expect(distribution(samples)).toEqual({ n: 10, p50: 50, p95: 100, max: 100 });
  });

  it('has no percentile of no samples', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(distribution([]).n).toBe(0);
  });

  it('takes the median of odd and even counts, leaving out missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5, 1])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('gives a figure over runs as the median with its range, keeping the runs in order', () => {
    expect(figure([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, runs: [30, 10, 20] });
  });

  it('takes ratios run by run, not of the medians', () => {
    const ratio = ratioFigure([10, 30, 20], [100, 100, 10]);
    expect(ratio.runs).toEqual([0.1, 0.3, 2]);
    expect(ratio.median).toBe(0.3);
  });

  it('fits a least-squares slope', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(slope([[1, 1]])).toBeNaN();
  });
});

describe('bench memory summary', () => {
  const readings = (rss: (n: number) => number): [number, number][] => Array.from({ length: 100 }, (_, i) => [(i + 1) * 10, rss((i + 1) * 10)]);

  it('sees no growth in a grow-and-collect cycle that ends where it started, whatever the single readings', () => {
    const sawtooth = summarizeMemory(1000, readings((n) => 70 + ((n % 300) / 300) * 20));
    expect(sawtooth.fromInvocation).toBe(100);
    expect(sawtooth.toInvocation).toBe(1000);
    expect(Math.abs(sawtooth.growthMb)).toBeLessThan(3);
    expect(sawtooth.peakMb).toBeGreaterThan(89);
  });

  it('sees a leak as growth over the window', () => {
    const leak = summarizeMemory(1000, readings((n) => 60 + n * 0.01));
    expect(leak.growthMb).toBeCloseTo(9);
    expect(leak.toMb).toBeCloseTo(70);
  });

  it('reads a run shorter than 100 invocations from its first reading', () => {
    const short = summarizeMemory(4, [[2, 60], [4, 61]]);
    expect(short).toMatchObject({ fromInvocation: 2, toInvocation: 4, fromMb: 60, toMb: 61, growthMb: 1 });
  });
});
