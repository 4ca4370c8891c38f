import { describe, expect, it } from 'vitest';
import { linearTrend, mean, meanInterval, percentile, relStdDev, stdev, tQuantile, variance } from '../../src/measure/stats.js';

describe('descriptive statistics', () => {
  // The textbook sample: mean 5, sum of squared deviations 32.
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];

  it('mean, sample variance and standard deviation', () => {
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 12);
    expect(stdev(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(relStdDev(xs)).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
  });

  it('is NaN where undefined, not zero', () => {
    expect(mean([])).toBeNaN();
    expect(variance([3])).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
  });

  it('percentiles interpolate between order statistics (type 7)', () => {
    // h = (n − 1) p: p50 → h = 3.5 between 4 and 5; p90 → h = 6.3, 7 + 0.3 (9 − 7).
    expect(percentile(xs, 50)).toBeCloseTo(4.5, 12);
    expect(percentile(xs, 90)).toBeCloseTo(7.6, 12);
    expect(percentile(xs, 25)).toBe(4);
    expect(percentile(xs, 0)).toBe(2);
    expect(percentile(xs, 100)).toBe(9);
    expect(percentile([9, 2, 5], 50)).toBe(5); // unsorted input
    expect(() => percentile(xs, 101)).toThrow(RangeError);
  });
});

describe('Student t quantiles', () => {
  // Two-sided 95 % critical values from the published t table.
  const table: Array<[number, number]> = [
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [10, 2.228],
    [30, 2.042],
    [120, 1.98],
  ];
  for (const [dof, t] of table) {
    it(`t(0.975, ${dof}) = ${t}`, () => expect(tQuantile(0.975, dof)).toBeCloseTo(t, 3));
  }
  it('tends to the normal quantile', () => {
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.95996, 5);
    // Huge but finite dofs (a budget whose only type A term is tiny) are the normal quantile, not jStat's lost precision.
    for (const dof of [1e6, 1e15, 2e19]) expect(tQuantile(0.975, dof)).toBeCloseTo(1.95996, 4);
    expect(tQuantile(0.975, 0)).toBeNaN();
  });
});

describe('confidence interval of the mean', () => {
  it('matches the hand computation for [10, 12, 14]', () => {
    // s = 2, standard error 2/√3, t(0.975, 2) = 4.30265 → half-width 4.96828.
    const ci = meanInterval([10, 12, 14]);
    expect(ci.mean).toBe(12);
    expect(ci.dof).toBe(2);
    expect(ci.halfWidth).toBeCloseTo(4.96828, 4);
    expect(ci.low).toBeCloseTo(12 - 4.96828, 4);
    expect(ci.high).toBeCloseTo(12 + 4.96828, 4);
  });

  it('has no width from a single value', () => {
    expect(meanInterval([5]).halfWidth).toBeNaN();
  });
});

describe('linear trend', () => {
  it('fits a least-squares line with the slope’s standard error and p-value', () => {
    // y = 1 + 2x + e with e = (0.1, −0.1, −0.1, 0.1), orthogonal to x − x̄ = (−1.5, −0.5, 0.5, 1.5): the slope is exactly 2.
    const t = linearTrend([0, 1, 2, 3], [1.1, 2.9, 4.9, 7.1])!;
    expect(t.slope).toBeCloseTo(2, 12);
    expect(t.intercept).toBeCloseTo(1, 12);
    // SSE = 0.04, s² = 0.04 / 2 = 0.02, Sxx = 5 → se = √(0.004) = 0.0632456; t = 31.6, p(2 dof) ≈ 0.0010.
    expect(t.slopeStdError).toBeCloseTo(0.0632456, 6);
    expect(t.p).toBeCloseTo(0.000999, 4);
  });

  it('finds no trend in flat noise, and needs three points', () => {
    const t = linearTrend([0, 1, 2, 3, 4], [5, 6, 5, 6, 5.5])!;
    expect(t.p).toBeGreaterThan(0.5);
    expect(linearTrend([0, 1], [1, 2])).toBeNull();
    expect(linearTrend([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});
