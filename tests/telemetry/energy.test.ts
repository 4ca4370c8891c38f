import { describe, expect, it } from 'vitest';
import { counterEnergy, flagsSeen, integratePower, rangeStats, valueAt } from '../../src/telemetry/energy.js';
import { Series } from '../../src/telemetry/store.js';

const S = 1e9; // ns per second

function series(points: Array<[number, number]>): Series {
  const s = new Series();
  for (const [t, v] of points) s.push(t * S, v);
  return s;
}

describe('energy over a window', () => {
  it('integrates constant power exactly, interpolating at the window edges', () => {
    const p = series(Array.from({ length: 21 }, (_, i) => [i * 0.1, 100] as [number, number]));
    const r = integratePower(p, 0.25 * S, 1.75 * S)!;
    expect(r.joules).toBeCloseTo(150, 9);
    expect(r.coverage).toBe(1);
  });

  it('integrates a linear ramp exactly (the trapezoid rule is exact for it)', () => {
    // P(t) = 100 t W sampled every 0.25 s: ∫₀¹ 100 t dt = 50 J.
    const p = series([0, 0.25, 0.5, 0.75, 1, 1.25].map((t) => [t, 100 * t] as [number, number]));
    expect(integratePower(p, 0, 1 * S)!.joules).toBeCloseTo(50, 9);
    expect(integratePower(p, 0.1 * S, 0.6 * S)!.joules).toBeCloseTo(50 * (0.36 - 0.01), 9);
  });

  it('reports partial coverage instead of extrapolating', () => {
    const p = series([[1, 10], [2, 10]]);
    const r = integratePower(p, 0, 2 * S)!;
    expect(r.joules).toBeCloseTo(10, 9);
    expect(r.coverage).toBeCloseTo(0.5, 9);
    expect(integratePower(p, 3 * S, 4 * S)).toBeNull();
  });

  it('takes the counter difference with interpolation between readings', () => {
    const c = series([[0, 0], [1, 100], [2, 300]]);
    expect(counterEnergy(c, 0.5 * S, 1.5 * S)).toBeCloseTo(150, 9); // 50 → 200
    expect(valueAt(c, 1 * S)).toBe(100);
    expect(counterEnergy(c, -1 * S, 1 * S)).toBeNull(); // not bracketed: unknown, not zero
  });

  it('summarises a series over a range and ORs flags', () => {
    const s = series([[0, 3], [1, 5], [2, 4], [3, 100]]);
    expect(rangeStats(s, 0, 2 * S)).toEqual({ min: 3, mean: 4, max: 5, count: 3 });
    expect(rangeStats(s, 10 * S, 11 * S)).toBeNull();
    const f = series([[0, 0x1], [1, 0x4], [2, 0x40]]);
    expect(flagsSeen(f, 0, 1.5 * S)).toBe(BigInt(0x5));
  });

  it('keeps a series sorted when a sample arrives late', () => {
    const s = series([[0, 1], [2, 3]]);
    s.push(1 * S, 2);
    expect(s.t).toEqual([0, 1 * S, 2 * S]);
    expect(s.v).toEqual([1, 2, 3]);
  });
});
