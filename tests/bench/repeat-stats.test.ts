import { describe, expect, it } from 'vitest';
import { calibrate, normalScore, sharedRunVariation, type Calibration, type RunFigure } from '../../bench/repeat-stats.js';
import { Rng } from '../../src/core/random.js';
import { mean, percentile, tQuantile } from '../../src/measure/stats.js';

/** A standard normal deviate (Box–Muller). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * One run whose stated u is a type A estimate with `dof` degrees of freedom of the true standard deviation σ = 1,
 * scaled by `claim` (1: right; 0.5: claims half the true scatter), and its 95 % interval from t with those dof.
 */
function simulatedRun(rng: Rng, dof: number, claim: number): RunFigure {
  let chi2 = 0;
  for (let i = 0; i < dof; i++) chi2 += normal(rng) ** 2;
  const value = 100 + normal(rng);
  const u = claim * Math.sqrt(chi2 / dof);
  const half = tQuantile(0.975, dof) * u;
  return { value, u, dof, ci95: [value - half, value + half] };
}

/** Calibrations of many simulated series of R = 8 runs, run i with dofs[i % dofs.length] degrees of freedom. */
function simulate(dofs: number[], claim: number, series = 1000): Calibration[] {
  const rng = new Rng(dofs[0]! * 1000 + dofs.length * 7 + Math.round(claim * 100));
  return Array.from({ length: series }, () => calibrate(Array.from({ length: 8 }, (_, i) => simulatedRun(rng, dofs[i % dofs.length]!, claim))));
}

const median = (cals: Calibration[], pick: (c: Calibration) => number): number => percentile(cals.map(pick), 50);

describe('calibrate', () => {
  it('computes the Birge ratio, leave-one-out coverage, spread and stated figures of a worked example', () => {
    // Weighted mean (10 + 12 + 14/4) / 2.25 = 11.333…; χ² = 1.333² + 0.667² + (2.667/2)² = 4; Birge = √(4/2).
    const figures: RunFigure[] = [
      { value: 10, u: 1, dof: null, ci95: [8, 12] },
      { value: 12, u: 1, dof: null, ci95: [10, 14] },
      { value: 14, u: 2, dof: null, ci95: [10, 18] },
    ];
    const c = calibrate(figures);
    expect(c.runs).toBe(3);
    expect(c.birge).toBeCloseTo(Math.SQRT2, 12);
    // With every ν infinite the scale factor is the classic ratio.
    expect(c.birgeT).toBeCloseTo(Math.SQRT2, 9);
    // The others' means: 13 (outside [8, 12]), 12 (inside [10, 14]), 11 (inside [10, 18]).
    expect(c.looCoverage).toBeCloseTo(2 / 3, 12);
    expect(c.spreadRel).toBeCloseTo(2 / 12, 12);
    expect(c.statedRel).toBeCloseTo(0.1, 12);
    expect(c.halfWidthRel).toBeCloseTo(0.2, 12);
    expect(c.statedDof).toBe(Infinity);
  });

  it('finds the scale factor that makes the runs consistent with their t distributions', () => {
    const figures: RunFigure[] = [
      { value: 10, u: 1, dof: 4, ci95: [7.2, 12.8] },
      { value: 12, u: 1, dof: 4, ci95: [9.2, 14.8] },
      { value: 14, u: 2, dof: 4, ci95: [8.4, 19.6] },
    ];
    const c = calibrate([...figures, { value: 11, u: 1, dof: 9, ci95: [8.7, 13.3] }]);
    expect(c.statedDof).toBe(4);
    const k = calibrate(figures).birgeT;
    const residuals = [10, 12, 14].map((x) => x - 34 / 3);
    const sum = residuals.reduce((s, r, i) => s + normalScore(r / (k * figures[i]!.u), 4) ** 2, 0);
    expect(sum).toBeCloseTo(2, 9);
    expect(k).toBeLessThan(Math.SQRT2);
  });

  it('falls as the same deviations are stated with fewer degrees of freedom', () => {
    const at = (dof: number): number => calibrate([10, 12, 14, 11].map((value) => ({ value, u: 1, dof, ci95: [value - 3, value + 3] as [number, number] }))).birgeT;
    expect(at(3)).toBeLessThan(at(10));
    expect(at(10)).toBeLessThan(at(100));
  });

  it('is 0 for identical runs', () => {
    expect(calibrate([5, 5, 5].map((value) => ({ value, u: 1, dof: 4, ci95: [4, 6] as [number, number] }))).birgeT).toBe(0);
  });
});

describe('normalScore', () => {
  it('maps a t deviate to the normal deviate with the same tail probability', () => {
    expect(normalScore(1.959963985, null)).toBeCloseTo(1.959963985, 6);
    // t's 97.5 % point with 4 dof is 2.776445; with 10 dof 2.228139.
    expect(normalScore(2.776445105, 4)).toBeCloseTo(1.959963985, 5);
    expect(normalScore(-2.228138852, 10)).toBeCloseTo(-1.959963985, 5);
    expect(normalScore(0, 3)).toBe(0);
  });

  it('is symmetric, holds 7 standard deviations out, and stays finite far beyond', () => {
    expect(normalScore(7, null)).toBeCloseTo(7, 4);
    expect(normalScore(-7, null)).toBeCloseTo(-7, 4);
    expect(normalScore(4, 5)).toBeCloseTo(-normalScore(-4, 5), 12);
    const z = normalScore(1e9, 3);
    expect(Number.isFinite(z)).toBe(true);
    expect(z).toBeGreaterThan(8);
  });
});

describe('Birge ratios of simulated series (R = 8, 1000 series each)', () => {
  it('reads ≈ 1 dof-aware for right uncertainties with 4 dof, while the classic one is inflated by about ν / (ν − 2) in its mean square', () => {
    const cals = simulate([4], 1);
    expect(median(cals, (c) => c.birgeT)).toBeGreaterThan(0.85);
    expect(median(cals, (c) => c.birgeT)).toBeLessThan(1.05);
    expect(mean(cals.map((c) => c.birge ** 2))).toBeGreaterThan(1.6);
  });

  it('reads ≈ 1 for right uncertainties with mixed dof (3 and 30)', () => {
    const k = median(simulate([3, 30], 1), (c) => c.birgeT);
    expect(k).toBeGreaterThan(0.85);
    expect(k).toBeLessThan(1.05);
  });

  it('reads the understatement: ≈ 2 when the runs scatter twice what they state, ≈ 1.43 at 1 / 0.7, whatever the dof', () => {
    for (const dofs of [[4], [60]]) {
      const twice = median(simulate(dofs, 0.5), (c) => c.birgeT);
      expect(twice).toBeGreaterThan(1.7);
      expect(twice).toBeLessThan(2.1);
    }
    const k = median(simulate([4], 0.7), (c) => c.birgeT);
    expect(k).toBeGreaterThan(1.25);
    expect(k).toBeLessThan(1.6);
  });

  it('equals the classic ratio, series by series, when every ν is infinite', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 50; i++) {
      const figures = Array.from({ length: 8 }, () => ({ ...simulatedRun(rng, 4, 1), dof: null }));
      const c = calibrate(figures);
      expect(c.birgeT).toBeCloseTo(c.birge, 9);
    }
  });
});

describe('sharedRunVariation', () => {
  const runs = (a: number[], b: number[]): number[][] => a.map((x, r) => [100 * Math.exp(x), 50 * Math.exp(b[r]!)]);

  it('reads runs that deviate together in every result: correlation 1, each run’s common offset', () => {
    const s = sharedRunVariation(runs([0.1, 0, -0.1], [0.2, 0, -0.2]))!;
    expect(s.meanCorrelation).toBeCloseTo(1, 12);
    expect(s.runOffsets).toEqual([expect.closeTo(0.15, 12), expect.closeTo(0, 12), expect.closeTo(-0.15, 12)]);
    // Of the 3! orders of the second result's runs only the observed one correlates as well: p ≈ 1/6.
    expect(s.p).toBeGreaterThan(0.13);
    expect(s.p).toBeLessThan(0.2);
    expect(sharedRunVariation(runs([0.1, 0, -0.1], [-0.2, 0, 0.2]))!.meanCorrelation).toBeCloseTo(-1, 12);
  });

  it('needs three runs and two results', () => {
    expect(sharedRunVariation(runs([0.1, 0], [0.2, 0]))).toBeNull();
    expect(sharedRunVariation([[1], [2], [3]])).toBeNull();
  });

  it('calls independent results shared in about 5 % of series, and finds a common host factor in most (R = 8, M = 3)', () => {
    const rng = new Rng(11);
    const series = (common: number): number[][] =>
      Array.from({ length: 8 }, () => {
        const host = common * normal(rng);
        return [100, 30, 50].map((v) => v * Math.exp(0.05 * (host + 0.5 * normal(rng))));
      });
    const independent = Array.from({ length: 300 }, () => sharedRunVariation(series(0), rng.int(1e9))!);
    const rate = independent.filter((s) => s.p < 0.05).length / independent.length;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.09);
    expect(Math.abs(percentile(independent.map((s) => s.meanCorrelation), 50))).toBeLessThan(0.1);
    // A host factor of 2× each result's own scatter: true correlation 1 / (1 + 0.25) = 0.8.
    const hosted = Array.from({ length: 300 }, () => sharedRunVariation(series(1), rng.int(1e9))!);
    expect(percentile(hosted.map((s) => s.meanCorrelation), 50)).toBeGreaterThan(0.65);
    expect(hosted.filter((s) => s.p < 0.05).length / hosted.length).toBeGreaterThan(0.85);
  });
});
