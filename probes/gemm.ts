/**
 * gemm: matrix multiply C = A·B, square n × n, row-major, 2n³ FLOP. Through
 * the field's tuned library where there is one (the system BLAS on the CPU),
 * with flopmeter's own kernel as the fallback; the result's engine says which
 * ran. float32 everywhere; TF32, float16 and bfloat16 (float32 accumulation)
 * through cuBLAS; float16 on WebGPU adapters with shader-f16.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';
import { roundTo } from '../src/core/precision.js';

export interface GemmParams extends Record<string, string | number> {
  dtype: 'f32' | 'tf32' | 'f16' | 'bf16';
  n: number;
}

/** Entries of C checked against the float64 reference (a full check would cost 2n³ in JavaScript). */
const CHECKED_ENTRIES = 4096;
/** Bytes per element on the device (TF32 is float32 data, rounded inside the tensor cores). */
const BYTES = { f32: 4, tf32: 4, f16: 2, bf16: 2 } as const;

/**
 * WGSL tiling, measured. GPUs (H100 through Dawn/Vulkan, n = 4096): 128 × 128
 * tiles with 8 × 8 per invocation and BK = 8 reach 25.7 TFLOP/s (BK = 16: 23.8,
 * BK = 32: 16.2; 64 × 64 with 4 × 4: 24.1). 128-wide tiles need enough of them
 * to fill the GPU, so below 256 tiles (n < 2048) the 64 × 64 / 4 × 4 layout
 * gives four times as many workgroups. Software adapters, whose invocations
 * are CPU SIMD lanes (lavapipe, n = 1024): 64 × 128 with 8 × 16 per invocation,
 * 3.9 GFLOP/s, against 3.3 for 128 × 128 / 8 × 8 and 1.7 for 64 × 64 / 4 × 4.
 */
function tiling(n: number, software: boolean): { BM: number; BN: number; BK: number; TM: number; TN: number } {
  if (software) return n % 128 === 0 ? { BM: 64, BN: 128, BK: 16, TM: 8, TN: 16 } : { BM: 64, BN: 64, BK: 16, TM: 8, TN: 8 };
  if (n % 128 === 0 && (n / 128) ** 2 >= 256) return { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 };
  return { BM: 64, BN: 64, BK: 8, TM: 4, TN: 4 };
}

export default defineProbe<GemmParams>({
  id: 'gemm',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'flop = 2·n³; items = n²; bytes = 3·b·n² (b: 4 for f32 and tf32, 2 for f16 and bf16)',
    reference: 'float64 dot products for min(4096, n²) entries of C = A·B (seeded sample, or all), each error scaled by Σ_k |A_ik·B_kj|',
  },
  description: 'Matrix multiply C = A·B, square n × n, row-major; 2n³ FLOP per iteration.',
  headline: 'flop',
  latencyHeadline: 'p50',
  params: {
    dtype: { description: 'element type: f32; tf32, f16, bf16 (float32 accumulation) on CUDA; f16 on WebGPU with shader-f16', values: ['f32', 'tf32', 'f16', 'bf16'] },
    // Multiples of 64 suit every kernel's tiling (8-column panels on the CPU, 64 × 64 tiles on GPUs).
    n: { description: 'matrix size (n × n)', integer: { min: 64, max: 16384, multipleOf: 64 } },
  },
  presets: {
    quick: { dtype: ['f32'], n: [256, 512] },
    standard: { dtype: ['f32'], n: [512, 1024, 2048] },
    full: { dtype: ['f32'], n: [1024, 2048, 4096] },
  },
  backendPresets: {
    cuda: {
      quick: { dtype: ['f32', 'tf32', 'f16', 'bf16'], n: [1024] },
      standard: { dtype: ['f32', 'tf32', 'f16', 'bf16'], n: [2048, 4096, 8192] },
      full: { dtype: ['f32', 'tf32', 'f16', 'bf16'], n: [4096, 8192, 16384] },
    },
    webgpu: {
      quick: { dtype: ['f32', 'f16'], n: [256] },
      standard: { dtype: ['f32', 'f16'], n: [1024, 2048, 4096] },
      full: { dtype: ['f32', 'f16'], n: [2048, 4096, 8192] },
    },
  },
  // bytes: the compulsory traffic (A and B read once, C written once) that places GEMM on a roofline.
  work: ({ n, dtype }) => ({ flop: 2 * n ** 3, items: n * n, bytes: 3 * BYTES[dtype] * n * n }),
  // Up to four n × n matrices on the device; A and B inputs (float32) on the host.
  memoryBytes: ({ n, dtype }) => 4 * BYTES[dtype] * n * n + 2 * 4 * n * n + 3 * 8 * CHECKED_ENTRIES,
  inputs: (seed, { n, dtype }) => {
    const rng = new Rng(seed);
    const A = rng.fill(new Float32Array(n * n), -1, 1);
    const B = rng.fill(new Float32Array(n * n), -1, 1);
    if (dtype === 'f16' || dtype === 'bf16') {
      roundTo(A, dtype);
      roundTo(B, dtype);
    }
    return { A, B };
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
  // The classic bound for an n-term float32 dot product, |error| ≤ γ_n Σ|a b| with γ_n ≈ n 2^-24
  // (doubled for tensor cores, whose float32 accumulation may truncate), plus: TF32 rounds each
  // input to 11 significant bits (2 · 2^-11 per product); float16 and bfloat16 round the result
  // (2^-11, 2^-8; |C| ≤ Σ|a b|).
  tolerance: ({ n, dtype }) => {
    if (dtype === 'f32') return n * 2 ** -24;
    if (dtype === 'tf32') return n * 2 ** -23 + 2 * 2 ** -11;
    return n * 2 ** -23 + (dtype === 'f16' ? 2 ** -11 : 2 ** -8);
  },
  impl: {
    cuda: ({ n, dtype }) => {
      const data = dtype === 'tf32' ? 'f32' : dtype;
      return {
        kind: 'cublas-gemm',
        precision: dtype,
        n,
        a: 'A',
        b: 'B',
        c: 'C',
        buffers: ['A', 'B', 'C'].map((name) => ({ name, dtype: data, length: n * n })),
        output: { buffer: 'C' },
        // flopmeter's own CUDA kernel: float32, 128 × 128 tiles.
        fallback:
          dtype === 'f32' && n % 128 === 0
            ? {
                kind: 'cuda',
                source: 'gemm',
                buffers: ['A', 'B', 'C'].map((name) => ({ name, dtype: 'f32' as const, length: n * n })),
                launches: [{ kernel: 'sgemm_tiled', grid: [n / 128, n / 128, 1], block: [256, 1, 1], args: [{ buffer: 'A' }, { buffer: 'B' }, { buffer: 'C' }, { i32: n }] }],
                output: { buffer: 'C' },
              }
            : null,
      };
    },
    cpu: ({ n, dtype }) => {
      if (dtype !== 'f32') return { unsupported: 'the CPU GEMM is float32 (BLAS sgemm)' };
      return {
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
      };
    },
    webgpu: ({ n, dtype }, { software }) => {
      if (dtype === 'tf32' || dtype === 'bf16') return { unsupported: `WGSL has no ${dtype === 'tf32' ? 'TF32 arithmetic' : 'bfloat16 type'}` };
      const t = tiling(n, software);
      const c = Object.fromEntries(Object.entries({ N: n, ...t }).map(([k, v]) => [k, `${v}u`]));
      return {
        kind: 'wgsl',
        shader: 'gemm',
        features: dtype === 'f16' ? ['shader-f16'] : [],
        prelude: { enable: dtype === 'f16' ? ['f16'] : [], alias: { T: dtype }, const: c },
        buffers: ['A', 'B', 'C'].map((name) => ({ name, dtype, length: n * n })),
        steps: [{ entry: 'gemm', bindings: ['A', 'B', 'C'], workgroups: [n / t.BN, n / t.BM, 1] }],
        output: { buffer: 'C' },
      };
    },
  },
});
