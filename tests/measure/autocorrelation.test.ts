import { describe, expect, it } from 'vitest';
import { effectiveSampleSize, meanWithAutocorrelation } from '../../src/measure/autocorrelation.js';
import { stdev } from '../../src/measure/stats.js';
import { Rng } from '../../src/core/random.js';

describe('effective sample size of autocorrelated readings', () => {
  it('matches Geyer’s initial positive sequence worked by hand', () => {
    // Deviations ±0.5 in pairs: c0 = 0.25; ρ1 = (4 − 3)/8 = 0.125, ρ2 = −6/8 = −0.75, ρ3 = −1/8.
    // Γ0 = 1 + 0.125 = 1.125 > 0; Γ1 = −0.875 ≤ 0 stops: τ = −1 + 2 × 1.125 = 1.25, n_eff = 8 / 1.25 = 6.4.
    expect(effectiveSampleSize([0, 0, 1, 1, 0, 0, 1, 1])).toBeCloseTo(6.4, 12);
  });

  it('never claims more than n for readings that alternate about the mean', () => {
    expect(effectiveSampleSize([1, 2, 1, 2, 1, 2, 1, 2, 1, 2])).toBe(10);
    expect(effectiveSampleSize([3, 3, 3, 3])).toBe(4);
  });

  it('halves n for independent values each read twice (a sampler at twice the sensor’s update rate)', () => {
    const rng = new Rng(11);
    const x: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = rng.uniform(0, 1);
      x.push(v, v);
    }
    const n = effectiveSampleSize(x);
    // Exactly 10 000 independent values; the estimator's own scatter is a few per cent at this length.
    expect(n).toBeGreaterThan(10_000 * 0.9);
    expect(n).toBeLessThan(10_000 * 1.1);
    const m = meanWithAutocorrelation(x)!;
    expect(m.standardError).toBeCloseTo(stdev(x) / Math.sqrt(n), 12);
    expect(meanWithAutocorrelation([1])).toBeNull();
  });
});
