/**
 * Inputs and reference on a worker thread (the built prepare-worker, loading
 * the probe's compiled module): the same arrays as on the calling thread,
 * the event loop free meanwhile, and an interruption honoured at once.
 */
import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/core/errors.js';
import { defineProbe } from '../../src/core/probe.js';
import { prepareInputs } from '../../src/measure/prepare.js';
import gemm from '../../probes/gemm.js';
import stream from '../../probes/stream.js';

/** The longest gap between ticks of a 10 ms timer while `work` runs, ms. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number; ms: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, stallMs, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

/** Byte-for-byte equality of two arrays (vitest's deep equality is far too slow for millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('prepareInputs', () => {
  it('computes on a worker exactly what the probe computes here, leaving the event loop free', async () => {
    const params = { op: 'triad', dtype: 'f64', n: 2 ** 22 } as const;
    const { value, stallMs, ms } = await longestStall(() => prepareInputs(stream, params, 7, new AbortController().signal));
    const inputs = stream.inputs(7, params);
    const reference = stream.reference(inputs, params) as { values: Float64Array };
    for (const name of ['a', 'b', 'c']) expect(sameBytes(value.inputs[name]!, inputs[name]!)).toBe(true);
    expect(sameBytes(value.reference.values, reference.values)).toBe(true);
    // Seconds of JavaScript ran meanwhile; the timer never waited for them.
    expect(stallMs).toBeLessThan(Math.max(250, ms / 2));
  });

  it('carries a sampled reference (indices and scales) across', async () => {
    const params = { dtype: 'f32', n: 128 } as const;
    const { reference } = await prepareInputs(gemm, params, 3, new AbortController().signal);
    const here = gemm.reference(gemm.inputs(3, params), params) as { values: Float64Array; indices: Uint32Array; scale: Float64Array };
    expect(reference.indices).toEqual(here.indices);
    expect(reference.scale).toEqual(here.scale);
    expect(reference.values).toEqual(here.values);
  });

  it('stops at once when interrupted, whatever the size', async () => {
    const controller = new AbortController();
    const t0 = performance.now();
    const pending = prepareInputs(stream, { op: 'triad', dtype: 'f64', n: 2 ** 26 }, 1, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    // Preparing 2^26 elements takes many seconds here.
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('computes a copied probe (which keeps the original’s source) on the calling thread, with its own functions', async () => {
    const ones = defineProbe({ ...stream, id: 'ones', inputs: (_seed, { n }) => ({ a: new Float64Array(n).fill(1), b: new Float64Array(n).fill(1), c: new Float64Array(n).fill(1) }) });
    const { inputs } = await prepareInputs(ones, { op: 'copy', dtype: 'f64', n: 1024 }, 1, new AbortController().signal);
    expect(Array.from(inputs.a!.subarray(0, 3))).toEqual([1, 1, 1]);
  });
});
