/**
 * gemm: single-precision matrix multiply C = A·B, square n × n, row-major,
 * 2n³ FLOP. Through the field's tuned library where there is one (the
 * system BLAS on the CPU), with flopmeter's own kernel as the fallback; the
 * result's engine says which ran.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export interface GemmParams extends Record<string, string | number> {
  dtype: 'f32';
  n: number;
}

/** Entries of C checked against the float64 reference (a full check would cost 2n³ in JavaScript). */
const CHECKED_ENTRIES = 4096;

export default defineProbe<GemmParams>({
  id: 'gemm',
  description: 'Matrix multiply C = A·B, square n × n, row-major; 2n³ FLOP per iteration.',
  headline: 'flop',
  latencyHeadline: 'p50',
  params: {
    dtype: { description: 'element type', values: ['f32'] },
    // Multiples of 64 suit every kernel's tiling (8-column panels on the CPU, 64 × 64 tiles on GPUs).
    n: { description: 'matrix size (n × n)', integer: { min: 64, max: 16384, multipleOf: 64 } },
  },
  presets: {
    quick: { dtype: ['f32'], n: [256, 512] },
    standard: { dtype: ['f32'], n: [512, 1024, 2048] },
    full: { dtype: ['f32'], n: [1024, 2048, 4096] },
  },
  work: ({ n }) => ({ flop: 2 * n ** 3, items: n * n }),
  // A, B, packed B and C on the device; A and B inputs on the host.
  memoryBytes: ({ n }) => 6 * 4 * n * n + 3 * 8 * CHECKED_ENTRIES,
  inputs: (seed, { n }) => {
    const rng = new Rng(seed);
    return { A: rng.fill(new Float32Array(n * n), -1, 1), B: rng.fill(new Float32Array(n * n), -1, 1) };
  },
  // Seeded sample of entries (every one when n² is small); each error scaled by Σ_k |A_ik B_kj|,
  // the standard componentwise measure for a dot product.
  reference: (inputs, { n }) => {
    const A = inputs.A!;
    const B = inputs.B!;
    const count = Math.min(CHECKED_ENTRIES, n * n);
    const indices = new Uint32Array(count);
    const rng = new Rng(n ^ 0x9e3779b9);
    for (let e = 0; e < count; e++) indices[e] = count === n * n ? e : rng.int(n * n);
    const values = new Float64Array(count);
    const scale = new Float64Array(count);
    for (let e = 0; e < count; e++) {
      const i = Math.floor(indices[e]! / n);
      const j = indices[e]! % n;
      let s = 0;
      let m = 0;
      for (let k = 0; k < n; k++) {
        const p = A[i * n + k]! * B[k * n + j]!;
        s += p;
        m += Math.abs(p);
      }
      values[e] = s;
      scale[e] = m;
    }
    return { values, indices, scale };
  },
  // The classic bound for an n-term float32 dot product: |error| ≤ γ_n Σ|a b|, γ_n ≈ n u, u = 2^-24.
  tolerance: ({ n }) => n * 2 ** -24,
  impl: {
    cpu: ({ n }) => ({
      kind: 'blas-sgemm',
      n,
      a: 'A',
      b: 'B',
      c: 'C',
      buffers: ['A', 'B', 'C'].map((name) => ({ name, dtype: 'f32' as const, length: n * n })),
      output: (read) => read('C'),
      fallback: {
        kind: 'wasm',
        module: 'gemm',
        buffers: ['A', 'B', 'Bp', 'C'].map((name) => ({ name, dtype: 'f32' as const, length: n * n })),
        phases: [
          // Pack B into n/8 column panels, split among workers.
          { entry: 'pack_b', items: n / 8, align: 1, args: ({ offset, begin, end }) => [offset.B!, offset.Bp!, n, begin, end] },
          // Rows of C in blocks of 4 (the micro-kernel's height).
          { entry: 'gemm', items: n, align: 4, args: ({ offset, begin, end }) => [offset.A!, offset.Bp!, offset.C!, n, begin, end] },
        ],
        output: (read) => read('C'),
      },
    }),
  },
});
