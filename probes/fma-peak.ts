/**
 * fma-peak: compute-bound chains of multiply-adds, y = f^k(x) with
 * f(v) = a·v + b, on float32. Each element-step counts 2 FLOP whether the
 * hardware fuses it or not; the result's engine says which was used.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export interface FmaParams extends Record<string, string | number> {
  dtype: 'f32';
  n: number;
  k: number;
}

/**
 * a = 1 − 2^-12 and b = 2^-12 (exact in every float format) make f a
 * contraction towards 1, so values stay in [0, 1] for any k, while after
 * k ≤ 4096 steps the output still depends on the input (a^4096 ≈ 0.37),
 * so a kernel that skipped the work would fail verification.
 */
export const FMA_A = 1 - 2 ** -12;
export const FMA_B = 2 ** -12;

export default defineProbe<FmaParams>({
  id: 'fma-peak',
  description: 'Peak multiply-add rate: independent chains y = a·y + b held in registers, 2 FLOP per step.',
  headline: 'flop',
  latencyHeadline: 'p50',
  params: {
    dtype: { description: 'element type', values: ['f32'] },
    // 6144 = 48 (the CPU kernel's 12 vector chains) × 128 (a GPU workgroup multiple).
    n: { description: 'independent chains (elements)', integer: { min: 6144, max: 2 ** 28, multipleOf: 6144 } },
    k: { description: 'multiply-adds per chain', integer: { min: 16, max: 4096 } },
  },
  presets: {
    quick: { dtype: ['f32'], n: [6144 * 8], k: [1024] },
    standard: { dtype: ['f32'], n: [6144 * 16], k: [2048] },
    full: { dtype: ['f32'], n: [6144 * 32], k: [4096] },
  },
  work: ({ n, k }) => ({ flop: 2 * n * k, items: n }),
  memoryBytes: ({ n }) => 2 * 4 * n + 4 * n + 8 * n,
  inputs: (seed, { n }) => ({ x: new Rng(seed).fill(new Float32Array(n), 0, 1) }),
  // Closed form of the chain: f^k(x) = 1 + a^k (x − 1).
  reference: (inputs, { k }) => {
    const x = inputs.x!;
    const ak = FMA_A ** k;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = 1 + ak * (x[i]! - 1);
    return { values: out };
  },
  // A-priori bound: each of k steps adds at most 2 roundings of u = 2^-24 to values ≤ 1,
  // and the contraction (a < 1) does not amplify them: |error| ≤ 2 k u.
  tolerance: ({ k }) => 2 * k * 2 ** -24,
  impl: {
    cpu: ({ n, k }, { relaxedSimd }) => ({
      kind: 'wasm',
      module: relaxedSimd ? 'fma_relaxed' : 'fma',
      buffers: [
        { name: 'x', dtype: 'f32', length: n },
        { name: 'y', dtype: 'f32', length: n },
      ],
      // 12 vector chains of 4 floats per group.
      phases: [{ entry: 'fma', items: n, align: 48, args: ({ offset, begin, end }) => [offset.x!, offset.y!, FMA_A, FMA_B, k, begin, end] }],
      output: (read) => read('y'),
    }),
  },
});
