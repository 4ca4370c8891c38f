import { describe, expect, it } from 'vitest';
import { blockEstimate } from '../../src/measure/blocks.js';
import { combine } from '../../src/measure/uncertainty.js';

describe('type A from blocks of windows', () => {
  // Block means 101, 99, 103, 97 (mean 100): s_m² = (1 + 1 + 9 + 9) / 3 = 20/3, so u² = s_m² / 4 = 5/3, u = 1.291 (1.291 %).
  // Within: each pair differs by 2 → s² = 2 per block, pooled 2 (4 dof); within-part u² = 2 / (4 · 2) = 0.25 (no lag-1 with 2 windows).
  const blocks = [
    [100, 102],
    [98, 100],
    [102, 104],
    [96, 98],
  ];

  it('takes the standard error of the block means, with B − 1 degrees of freedom', () => {
    const e = blockEstimate(blocks, 'throughput');
    expect(e.mean).toBe(100);
    expect(e.relU).toBeCloseTo(Math.sqrt(5 / 3) / 100, 12);
    expect(e.dof).toBe(3);
    expect(e.lag1).toBeNull();
  });

  it('splits it into within-block and between-block parts that add back in quadrature, sharing the 3 degrees of freedom', () => {
    const [within, between] = blockEstimate(blocks, 'throughput').components;
    expect(within!.relative).toBeCloseTo(0.5 / 100, 12);
    expect(between!.relative).toBeCloseTo(Math.sqrt(5 / 3 - 0.25) / 100, 12);
    expect(within!.dof! + between!.dof!).toBeCloseTo(3, 12);
    expect(within!.dof).toBeCloseTo((3 * 0.25) / (5 / 3), 12);
    // Welch–Satterthwaite over the two parts gives the block means' own 3 degrees of freedom back.
    const budget = combine(blockEstimate(blocks, 'throughput').components);
    expect(budget.relCombined).toBeCloseTo(Math.sqrt(5 / 3) / 100, 12);
    expect(budget.dofEffective).toBeCloseTo(3, 9);
  });

  it('gives both parts zero when the block means agree exactly, whatever the windows’ scatter', () => {
    // Block means 100, 100: s_m = 0, but the windows scatter.
    const [within, between] = blockEstimate([[99, 101], [101, 99]], 'x').components;
    expect(within!.relative).toBe(0);
    expect(between!.relative).toBe(0);
  });

  it('discounts autocorrelated windows (pooled lag-1) in the within-block part', () => {
    // One block of 4 rising windows 1, 2, 3, 4 twice: deviations −1.5, −0.5, 0.5, 1.5; lag-1 r = (0.75 − 0.25 + 0.75) / 5 = 0.25.
    const e = blockEstimate([[1, 2, 3, 4], [1, 2, 3, 4]], 'x');
    expect(e.lag1).toBeCloseTo(0.25, 12);
    // Pooled s² = 5/3; n_eff = 4 · 0.75 / 1.25 = 2.4; within u² = (2 · (5/3) / 2.4) / 2² = 0.3472; but the block means are equal: total 0.
    expect(e.relU).toBe(0);
  });

  it('with one block, states the within-block part alone and says run-to-run variation is not in it', () => {
    const e = blockEstimate([[99, 101, 100, 100]], 'throughput');
    expect(e.components).toHaveLength(1);
    expect(e.components[0]!.source).toMatch(/not measured \(one block\)/);
    expect(e.dof).toBe(3);
  });

  it('after a two-stage rule, keeps Stein’s wider bound from the first stage', () => {
    // First stage (2 blocks) means 90 and 110: s₀² = 200; 6 blocks in all, the last four at 100.
    const b = [[90, 90], [110, 110], [100, 100], [100, 100], [100, 100], [100, 100]];
    const all = blockEstimate(b, 'x');
    const stein = blockEstimate(b, 'x', 2);
    // All blocks: s_m² = 200 / 5 = 40, u² = 40 / 6 (5 dof); Stein: u² = 200 / 6 with 1 dof: 12.7 × 5.77 vs 2.57 × 2.58.
    expect(all.dof).toBe(5);
    expect(stein.dof).toBe(1);
    expect(stein.relU).toBeCloseTo(Math.sqrt(200 / 6) / 100, 12);
    expect(stein.components[1]!.source).toMatch(/Stein's bound from the first 2/);
  });

  describe('serial correlation between blocks', () => {
    // Two windows per block, half a unit either side of the block's mean.
    const of = (means: number[]): number[][] => means.map((m) => [m - 0.5, m + 0.5]);

    it('inflates the variance of the mean by (1 + ρ) / (1 − ρ), ρ about the trend line and bias-corrected', () => {
      // Means in pairs 101, 101, 99, 99, … (12 blocks). Reference values from numpy (polyfit residuals):
      // r = 0.0757, ρ = (r + 2/12) / (1 − 5/12) = 0.4155, factor 2.4216; s² = 12/11, u = √(2.4216 · s² / 12) = 0.4692;
      // dof = 2 / (2 / (12 / 2.4216 − 1) + (2 / (1 − ρ²))² (1 − ρ²) / 12) = 2.2014.
      const e = blockEstimate(of([101, 101, 99, 99, 101, 101, 99, 99, 101, 101, 99, 99]), 'throughput');
      expect(e.blockLag1).toBeCloseTo(0.41548528, 6);
      expect(e.relU).toBeCloseTo(0.46920065 / 100, 8);
      expect(e.dof).toBeCloseTo(2.20135659, 6);
      expect(e.components[1]!.source).toMatch(/lag-1 autocorrelation 0\.42, variance ×2\.42/);
    });

    it('leaves alternating block means alone (ρ clamped at 0): the plain standard error, its dof lowered for what ρ might be', () => {
      const e = blockEstimate(of([101, 99, 101, 99, 101, 99, 101, 99, 101, 99, 101, 99]), 'x');
      expect(e.blockLag1).toBe(0);
      expect(e.relU).toBeCloseTo(Math.sqrt(12 / 11 / 12) / 100, 12);
      // ρ = 0 is itself an estimate (Var ≈ 1/12): dof = 2 / (2/11 + 2² / 12) = 3.882.
      expect(e.dof).toBeCloseTo(2 / (2 / 11 + 4 / 12), 12);
    });

    it('caps ρ, and says when there are too few blocks to estimate it', () => {
      expect(blockEstimate(of([101, 101, 101, 99, 99, 99, 101, 101, 101, 99, 99, 99]), 'x').blockLag1).toBe(0.6);
      const few = blockEstimate(of([101, 101, 99, 99, 101, 101, 99]), 'x');
      expect(few.blockLag1).toBeNull();
      expect(few.dof).toBe(6);
      expect(few.components[1]!.source).toMatch(/serial correlation not estimated below 8 blocks/);
    });
  });
});
