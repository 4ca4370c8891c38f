/**
 * fma-peak: compute-bound chains of multiply-adds, y = f^k(x) with
 * f(v) = a·v + b. Each element-step counts 2 FLOP whether the hardware fuses
 * it or not; the result's engine says which was used.
 */
import { hfround } from '@petamoriken/float16';
import { defineProbe } from '../src/core/probe.js';
import { toF16Bits } from '../src/core/precision.js';
import { Rng } from '../src/core/random.js';

export interface FmaParams extends Record<string, string | number> {
  dtype: 'f32' | 'f16';
  n: number;
  k: number;
}

/**
 * f is a contraction towards 1 (values stay in [0, 1] for any k) whose
 * coefficients are exact in the element type. a = 1 − 2^-12 for float32 keeps
 * the output dependent on the input after k ≤ 4096 steps (a^4096 ≈ 0.37), so a
 * kernel that skipped the work fails verification; float16 cannot hold
 * 1 − 2^-12, and uses 1 − 2^-7 (a^128 ≈ 0.37).
 */
export const FMA_COEFFICIENTS = {
  f32: { a: 1 - 2 ** -12, b: 2 ** -12, unitRoundoff: 2 ** -24 },
  f16: { a: 1 - 2 ** -7, b: 2 ** -7, unitRoundoff: 2 ** -11 },
} as const;
/** The float32 coefficients, as the CPU kernel uses them. */
export const FMA_A = FMA_COEFFICIENTS.f32.a;
export const FMA_B = FMA_COEFFICIENTS.f32.b;

/** GPU invocations per workgroup (threads per block); each runs 16 elements (4 vec4 / 8 half2 chains). */
const WG = 128;
const ELEMENTS_PER_INVOCATION = 16;

export default defineProbe<FmaParams>({
  id: 'fma-peak',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'flop = 2·n·k; items = n',
    reference: 'closed form of k steps of y = a·y + b from y = x: 1 + a^k·(x − 1) in float64 (f32: a = 1 − 2^-12, b = 2^-12; f16: a = 1 − 2^-7, b = 2^-7), every element checked',
  },
  description: 'Peak multiply-add rate: independent chains y = a·y + b held in registers, 2 FLOP per step.',
  headline: 'flop',
  latencyHeadline: 'p50',
  params: {
    dtype: { description: 'element type (float16 on WebGPU adapters with shader-f16)', values: ['f32', 'f16'] },
    // 6144 = 48 (the CPU kernel's 12 vector chains) × 128, and = 16 elements × 128 invocations × 3 on GPUs.
    n: { description: 'independent chains (elements)', integer: { min: 6144, max: 2 ** 27, multipleOf: 6144 } },
    k: { description: 'multiply-adds per chain', integer: { min: 16, max: 4096 } },
  },
  presets: {
    quick: { dtype: ['f32'], n: [6144 * 8], k: [1024] },
    standard: { dtype: ['f32'], n: [6144 * 16], k: [2048] },
    full: { dtype: ['f32'], n: [6144 * 32], k: [4096] },
  },
  backendPresets: {
    // Enough chains for several waves of a large GPU (an H100 keeps ~270 000 threads resident).
    cuda: {
      quick: { dtype: ['f32', 'f16'], n: [6144 * 64], k: [256] },
      standard: { dtype: ['f32', 'f16'], n: [6144 * 2048], k: [1024] },
      full: { dtype: ['f32', 'f16'], n: [6144 * 4096], k: [2048] },
    },
    webgpu: {
      quick: { dtype: ['f32', 'f16'], n: [6144 * 16], k: [128] },
      standard: { dtype: ['f32', 'f16'], n: [6144 * 2048], k: [1024] },
      full: { dtype: ['f32', 'f16'], n: [6144 * 4096], k: [2048] },
    },
  },
  work: ({ n, k }) => ({ flop: 2 * n * k, items: n }),
  memoryBytes: ({ n }) => 2 * 4 * n + 4 * n + 8 * n,
  inputs: (seed, { dtype, n }) => {
    const x = new Rng(seed).fill(new Float32Array(n), 0, 1);
    if (dtype === 'f16') for (let i = 0; i < n; i++) x[i] = hfround(x[i]!);
    return { x };
  },
  // Closed form of the chain: f^k(x) = 1 + a^k (x − 1).
  reference: (inputs, { dtype, k }) => {
    const x = inputs.x!;
    const ak = FMA_COEFFICIENTS[dtype].a ** k;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = 1 + ak * (x[i]! - 1);
    return { values: out };
  },
  // A-priori bound: each step adds at most 2 roundings of u to values ≤ 1, and the contraction
  // does not amplify them: |error| ≤ min(2 k u, 2 u / (1 − a)).
  tolerance: ({ dtype, k }) => {
    const { a, unitRoundoff: u } = FMA_COEFFICIENTS[dtype];
    return Math.min(2 * k * u, (2 * u) / (1 - a));
  },
  impl: {
    cpu: ({ dtype, n, k }, { relaxedSimd }) => {
      if (dtype !== 'f32') return { unsupported: 'WebAssembly has no float16 arithmetic' };
      return {
        kind: 'wasm',
        module: relaxedSimd ? 'fma_relaxed' : 'fma',
        buffers: [
          { name: 'x', dtype: 'f32', length: n },
          { name: 'y', dtype: 'f32', length: n },
        ],
        // 12 vector chains of 4 floats per group.
        phases: [{ entry: 'fma', items: n, align: 48, args: ({ offset, begin, end }) => [offset.x!, offset.y!, FMA_A, FMA_B, k, begin, end] }],
        output: (read) => read('y'),
      };
    },
    cuda: ({ dtype, n, k }) => {
      const { a, b } = FMA_COEFFICIENTS[dtype];
      // 16 elements per thread (four float4 or eight half2 chains), 128 threads per block.
      const grid: [number, number, number] = [n / ELEMENTS_PER_INVOCATION / WG, 1, 1];
      const half2 = (v: number): number => {
        const bits = toF16Bits([v, v]);
        return bits[0]! | (bits[1]! << 16);
      };
      return {
        kind: 'cuda',
        source: 'fma-peak',
        buffers: [
          { name: 'x', dtype, length: n },
          { name: 'y', dtype, length: n },
        ],
        launches: [
          dtype === 'f32'
            ? { kernel: 'fma_f32', grid, block: [WG, 1, 1], args: [{ buffer: 'x' }, { buffer: 'y' }, { f32: a }, { f32: b }, { i32: k }] }
            : { kernel: 'fma_f16x2', grid, block: [WG, 1, 1], args: [{ buffer: 'x' }, { buffer: 'y' }, { u32: half2(a) >>> 0 }, { u32: half2(b) >>> 0 }, { i32: k }] },
        ],
        output: { buffer: 'y' },
      };
    },
    webgpu: ({ dtype, n, k }) => {
      const { a, b } = FMA_COEFFICIENTS[dtype];
      return {
        kind: 'wgsl',
        shader: 'fma-peak',
        features: dtype === 'f16' ? ['shader-f16'] : [],
        prelude: {
          enable: dtype === 'f16' ? ['f16'] : [],
          alias: { T: dtype },
          const: { WG: `${WG}u`, K: `${k}u`, A: `${a}f`, B: `${b}f` },
        },
        buffers: [
          { name: 'x', dtype, length: n },
          { name: 'y', dtype, length: n },
        ],
        steps: [{ entry: 'fma_peak', bindings: ['x', 'y'], workgroups: [n / ELEMENTS_PER_INVOCATION / WG, 1, 1] }],
        output: { buffer: 'y' },
      };
    },
  },
});
