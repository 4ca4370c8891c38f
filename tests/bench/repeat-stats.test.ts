import { describe, expect, it } from 'vitest';
import { calibrate, normalScore, type RunFigure } from '../../bench/repeat-stats.js';
import { Rng } from '../../src/core/random.js';
import { mean, tQuantile } from '../../src/measure/stats.js';

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

/** Mean squared Birge ratios (classic and dof-aware) over many simulated series of R runs. */
function simulate(dof: number, claim: number, series = 3000, R = 8): { birge2: number; birgeT2: number } {
  const rng = new Rng(dof * 1000 + Math.round(claim * 100));
  const cals = Array.from({ length: series }, () => calibrate(Array.from({ length: R }, () => simulatedRun(rng, dof, claim))));
  return { birge2: mean(cals.map((c) => c.birge ** 2)), birgeT2: mean(cals.map((c) => c.birgeT ** 2)) };
}

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
    expect(c.birgeT).toBeCloseTo(Math.SQRT2, 9);
    // The others' means: 13 (outside [8, 12]), 12 (inside [10, 14]), 11 (inside [10, 18]).
    expect(c.looCoverage).toBeCloseTo(2 / 3, 12);
    expect(c.spreadRel).toBeCloseTo(2 / 12, 12);
    expect(c.statedRel).toBeCloseTo(0.1, 12);
    expect(c.halfWidthRel).toBeCloseTo(0.2, 12);
  });

  it('gives the dof-aware ratio below the classic one when the stated uncertainties have few degrees of freedom', () => {
    const figures: RunFigure[] = [
      { value: 10, u: 1, dof: 4, ci95: [7.2, 12.8] },
      { value: 12, u: 1, dof: 4, ci95: [9.2, 14.8] },
      { value: 14, u: 2, dof: 4, ci95: [8.4, 19.6] },
    ];
    const c = calibrate(figures);
    expect(c.birge).toBeCloseTo(Math.SQRT2, 12);
    expect(c.birgeT).toBeLessThan(c.birge);
    expect(c.birgeT).toBeGreaterThan(0.9);
  });
});

describe('normalScore', () => {
  it('maps a t deviate to the normal deviate with the same tail probability', () => {
    expect(normalScore(1.959963985, null)).toBeCloseTo(1.959963985, 6);
    // t's 97.5 % point with 4 dof is 2.776445; with 10 dof 2.228139.
    expect(normalScore(2.776445105, 4)).toBeCloseTo(1.959963985, 5);
    expect(normalScore(-2.228138852, 10)).toBeCloseTo(-1.959963985, 5);
  });

  it('keeps a deviation far in the tail finite', () => {
    const z = normalScore(1e9, 3);
    expect(Number.isFinite(z)).toBe(true);
    expect(z).toBeGreaterThan(7);
  });
});

describe('Birge ratio of simulated series (R = 8, 3000 series each)', () => {
  it('is inflated by √(ν / (ν − 2)) in its classic form for right uncertainties with 4 dof, and ≈ 1 dof-aware', () => {
    const { birge2, birgeT2 } = simulate(4, 1);
    expect(birge2).toBeGreaterThan(1.6);
    expect(birgeT2).toBeGreaterThan(0.9);
    expect(birgeT2).toBeLessThan(1.1);
  });

  it('≈ 1 in both forms when the uncertainties have many dof', () => {
    const { birge2, birgeT2 } = simulate(60, 1);
    expect(birge2).toBeGreaterThan(0.9);
    expect(birge2).toBeLessThan(1.15);
    expect(birgeT2).toBeGreaterThan(0.9);
    expect(birgeT2).toBeLessThan(1.1);
  });

  it('still finds uncertainties that claim half the true scatter (ratio ≈ 2), whatever their dof', () => {
    expect(Math.sqrt(simulate(4, 0.5).birgeT2)).toBeGreaterThan(1.6);
    expect(Math.sqrt(simulate(60, 0.5).birgeT2)).toBeGreaterThan(1.8);
  });
});
