import { describe, expect, it } from '@jest/globals';
import { distribution, figure, median, percentile, ratioFigure } from '../../bench/stats.js';

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
});
