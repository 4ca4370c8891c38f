import { describe, expect, it } from 'vitest';
import { combine, intervalOf, typeA, typeBRectangular } from '../../src/measure/uncertainty.js';

describe('uncertainty budget on a synthetic window stream with a known answer', () => {
  // Five windows around 100: deviations 0, 2, −2, 1, −1 → s² = 10/4, s = 1.58114.
  const windows = [100, 102, 98, 101, 99];

  it('type A is the relative standard error of the mean with n − 1 degrees of freedom', () => {
    const a = typeA('windows', windows);
    expect(a.relative).toBeCloseTo(Math.sqrt(10 / 4) / Math.sqrt(5) / 100, 12); // 0.0070711
    expect(a.dof).toBe(4);
    expect(a.type).toBe('A');
  });

  it('type B from a ±5 % rectangular bound is 5 %/√3 with infinite degrees of freedom', () => {
    const b = typeBRectangular('sensor', 0.05);
    expect(b.relative).toBeCloseTo(0.0288675, 7);
    expect(b.dof).toBeNull();
  });

  it('combines in quadrature with Welch–Satterthwaite degrees of freedom and a t coverage factor', () => {
    const budget = combine([typeA('windows', windows), typeBRectangular('sensor', 0.05)]);
    // u_c² = 0.0070711² + 0.0288675² = 5.0e-5 + 8.33333e-4 = 8.83333e-4
    expect(budget.relCombined).toBeCloseTo(Math.sqrt(8.833333e-4), 7);
    // ν_eff = u_c⁴ / (u_A⁴ / 4) = (8.83333e-4)² / ((5e-5)² / 4) = 1248.44
    expect(budget.dofEffective).toBeCloseTo(1248.44, 1);
    expect(budget.k).toBeCloseTo(1.96185, 4);
    expect(budget.relExpanded).toBeCloseTo(1.96185 * 0.0297209, 5);
    expect(budget.coverage).toBe(0.95);
  });

  it('with type A alone, k is t(0.975, 4) = 2.776', () => {
    const budget = combine([typeA('windows', windows)]);
    expect(budget.dofEffective).toBeCloseTo(4, 10);
    expect(budget.k).toBeCloseTo(2.7764, 4);
    expect(budget.relExpanded).toBeCloseTo(2.7764 * 0.0070711, 6);
  });

  it('with type B alone, the coverage factor is the normal 1.96', () => {
    const budget = combine([typeBRectangular('sensor', 0.05)]);
    expect(budget.dofEffective).toBeNull();
    expect(budget.k).toBeCloseTo(1.95996, 5);
  });

  it('gives the 95 % interval around a value', () => {
    const budget = combine([typeBRectangular('sensor', 0.05)]);
    const [lo, hi] = intervalOf(200, budget);
    expect(hi - 200).toBeCloseTo(200 - lo, 10);
    expect(hi - 200).toBeCloseTo(200 * 1.95996 * 0.0288675, 3);
  });
});
