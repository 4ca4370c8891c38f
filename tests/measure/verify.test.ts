import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/core/errors.js';
import { verify, verifyYielding } from '../../src/measure/verify.js';

describe('verification against the float64 reference', () => {
  const ref = { values: Float64Array.of(1, -2, 4) };

  it('passes an exact output and reports a zero error', () => {
    expect(verify(Float64Array.of(1, -2, 4), ref, 0)).toEqual({ passed: true, maxRelError: 0, tolerance: 0, compared: 3 });
  });

  it('measures the error normwise (relative to max |ref|) by default', () => {
    const c = verify(Float64Array.of(1, -2, 4.004), ref, 1e-3);
    expect(c.maxRelError).toBeCloseTo(0.004 / 4, 12);
    expect(c.passed).toBe(true);
    expect(verify(Float64Array.of(1.01, -2, 4), ref, 1e-3).passed).toBe(false); // 0.01 / 4 > 1e-3
  });

  it('uses per-value scales and indices for a sampled check', () => {
    const sampled = { values: Float64Array.of(10, 20), indices: Uint32Array.of(5, 1), scale: Float64Array.of(100, 1000) };
    const out = new Float32Array(8);
    out[5] = 11; // error 1 / scale 100 = 0.01
    out[1] = 20;
    const c = verify(out, sampled, 0.02);
    expect(c).toMatchObject({ passed: true, compared: 2 });
    expect(c.maxRelError).toBeCloseTo(0.01, 12);
  });

  it('fails NaN, infinities and a wrong length, with no error figure', () => {
    expect(verify(Float64Array.of(1, NaN, 4), ref, 1)).toMatchObject({ passed: false, maxRelError: null });
    expect(verify(Float64Array.of(1, -2, Infinity), ref, 1)).toMatchObject({ passed: false, maxRelError: null });
    expect(verify(Float64Array.of(1, -2), ref, 1)).toMatchObject({ passed: false, compared: 0 });
    expect(verify(new Float64Array(2), { values: Float64Array.of(1), indices: Uint32Array.of(7) }, 1).passed).toBe(false);
  });
});

describe('verification in slices (the event loop served between them)', () => {
  const n = 3_000_000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const output = Float32Array.from(values);

  it('gives the same verdict as verify, through several slices', async () => {
    const c = await verifyYielding(output, { values }, 1e-6, new AbortController().signal);
    expect(c).toEqual(verify(output, { values }, 1e-6));
    expect(c.compared).toBe(n);
    expect(c.maxRelError).toBeGreaterThan(0);
    output[n - 1] = NaN;
    expect(await verifyYielding(output, { values }, 1, new AbortController().signal)).toMatchObject({ passed: false, maxRelError: null, compared: n });
  });

  it('stops between slices when interrupted', async () => {
    const controller = new AbortController();
    const pending = verifyYielding(output, { values }, 1, controller.signal);
    // After the first slice, when the loop gets a turn.
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });
});
