import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';

describe('seeded inputs', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const a = new Rng(42).fill(new Float64Array(1000), 0, 1);
    const b = new Rng(42).fill(new Float64Array(1000), 0, 1);
    const c = new Rng(43).fill(new Float64Array(1000), 0, 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('is pinned: these values must never change, or old reports stop being reproducible', () => {
    const r = new Rng(1);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toMatchSnapshot();
  });

  it('fills within the range, never constant, roughly uniform', () => {
    const x = new Rng(7).fill(new Float32Array(100_000), -1, 1);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(1);
    expect(max - min).toBeGreaterThan(1.99);
    // Mean of 1e5 uniform(−1, 1): standard error 0.0018; 5σ bound.
    expect(Math.abs(sum / x.length)).toBeLessThan(0.01);
  });

  it('draws integers in [0, n)', () => {
    const r = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(10));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('shuffles in place into a permutation, the same one for the same seed, every order reachable', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Rng(5).shuffle([...xs]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(xs);
    expect(new Rng(5).shuffle([...xs])).toEqual(shuffled);
    const r = new Rng(9);
    const orders = new Set<string>();
    for (let i = 0; i < 600; i++) orders.add(r.shuffle([1, 2, 3]).join(''));
    expect(orders.size).toBe(6);
  });
});
