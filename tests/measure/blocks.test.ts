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
});
