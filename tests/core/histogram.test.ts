import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/core/histogram.js';
import { percentile } from '../../src/measure/stats.js';
import { Rng } from '../../src/core/random.js';

describe('latency histogram', () => {
  it('gives percentiles within 0.1 % of the exact order statistics', () => {
    const rng = new Rng(5);
    const values = Array.from({ length: 20_000 }, () => 1e-6 * Math.exp(rng.uniform(0, 5))); // 1 µs … 148 µs, log-spread
    const h = new LatencyHistogram();
    for (const v of values) h.recordSeconds(v);
    const s = h.stats()!;
    expect(s.count).toBe(values.length);
    for (const [p, got] of [[50, s.p50], [90, s.p90], [99, s.p99], [99.9, s.p999]] as const) {
      const exact = percentile(values, p);
      expect(Math.abs(got / exact - 1)).toBeLessThan(0.002); // HdrHistogram: 3 significant digits, plus rank rounding
    }
    expect(s.min).toBeCloseTo(Math.min(...values), 8);
    expect(Math.abs(s.max / Math.max(...values) - 1)).toBeLessThan(0.001);
    h.destroy();
  });

  it('keeps its memory bounded however many iterations are recorded', () => {
    const h = new LatencyHistogram();
    const rng = new Rng(9);
    for (let i = 0; i < 10_000; i++) h.recordNs(1000 + rng.int(1_000_000));
    const footprint = (h as unknown as { h: { estimatedFootprintInBytes: number } }).h.estimatedFootprintInBytes;
    for (let i = 0; i < 2_000_000; i++) h.recordNs(1000 + rng.int(1_000_000));
    const after = (h as unknown as { h: { estimatedFootprintInBytes: number } }).h.estimatedFootprintInBytes;
    expect(h.count).toBe(2_010_000);
    expect(after).toBeLessThan(footprint * 2 + 65536);
    h.destroy();
  });

  it('round-trips through the HdrHistogram encoding and merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) a.recordNs(i * 1000);
    for (let i = 101; i <= 200; i++) b.recordNs(i * 1000);
    const decoded = LatencyHistogram.decode(a.encode());
    // The encoding keeps bucket counts; max comes back as its bucket's highest equivalent value (within 0.1 %).
    const before = a.stats()!;
    const after = decoded.stats()!;
    for (const k of ['count', 'min', 'p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const) expect(Math.abs(after[k] / before[k] - 1)).toBeLessThan(1e-3);
    decoded.add(b);
    const s = decoded.stats()!;
    expect(s.count).toBe(200);
    expect(s.p50).toBeCloseTo(100e-6, 7);
    expect(decoded.entries().reduce((n, [, c]) => n + c, 0)).toBe(200);
  });

  it('has no statistics when empty', () => {
    expect(new LatencyHistogram().stats()).toBeNull();
  });
});
