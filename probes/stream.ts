/**
 * stream: the four STREAM kernels (McCalpin). Bytes are counted as STREAM
 * counts them: every array element read or written once per iteration (copy
 * and scale two arrays, add and triad three), with no write-allocate traffic.
 * float64 as STREAM defines it on the CPU; float32 on WebGPU, whose shading
 * language has no float64.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export type StreamOp = 'copy' | 'scale' | 'add' | 'triad';
export interface StreamParams extends Record<string, string | number> {
  op: StreamOp;
  dtype: 'f64' | 'f32';
  n: number;
}

/** STREAM's scalar. */
export const STREAM_SCALAR = 3.0;

/** Which arrays an op reads and which it writes, in STREAM's naming. */
const OPS: Record<StreamOp, { reads: string[]; writes: string }> = {
  copy: { reads: ['a'], writes: 'c' },
  scale: { reads: ['c'], writes: 'b' },
  add: { reads: ['a', 'b'], writes: 'c' },
  triad: { reads: ['b', 'c'], writes: 'a' },
};

const ELEMENT_BYTES = { f64: 8, f32: 4 } as const;
const ALL_OPS: StreamOp[] = ['copy', 'scale', 'add', 'triad'];
/** Invocations per workgroup on GPUs: a multiple of every vendor's SIMD width. */
const WG = 256;
/** Workgroups per dispatch at most (the grid-stride loop covers the rest). */
const MAX_GROUPS = 65535;

export default defineProbe<StreamParams>({
  id: 'stream',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'bytes = e·n·(arrays read + 1) (e: 8 for f64, 4 for f32; copy and scale read 1 array, add and triad 2); items = n; flop = 0 (copy), n (scale, add), 2n (triad)',
    reference: 'float64 of each output element: copy c = a, scale b = 3·c, add c = a + b, triad a = b + 3·c (scalar 3), every element checked, error relative to max |ref|',
  },
  description: 'STREAM copy, scale, add and triad; bandwidth in bytes as STREAM counts them (no write-allocate traffic).',
  headline: 'bytes',
  latencyHeadline: 'p50',
  params: {
    op: { description: 'the STREAM kernel', values: ALL_OPS },
    dtype: { description: 'element type (float64 on the CPU, float32 on WebGPU)', values: ['f64', 'f32'] },
    n: { description: 'elements per array (each array should be ≥ 4 × the last-level cache)', integer: { min: 1024, max: 2 ** 28, multipleOf: 1024 } },
  },
  presets: {
    // 2^22 doubles = 32 MiB per array: ≥ 4 × an 8 MiB L3, the STREAM rule, while staying quick.
    quick: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 22] },
    // 2^24 doubles = 128 MiB per array: out of cache on every current server CPU's L3.
    standard: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 24] },
    full: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 26] },
  },
  backendPresets: {
    // float64 as BabelStream defaults to on GPUs; 2^25 doubles = 256 MiB per array, 5 × an H100's L2.
    cuda: {
      quick: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 22] },
      standard: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 25] },
      full: { op: ALL_OPS, dtype: ['f64'], n: [2 ** 27] },
    },
    // 2^25 floats = 128 MiB per array: 2.5 × an H100's 50 MiB L2.
    webgpu: {
      quick: { op: ALL_OPS, dtype: ['f32'], n: [2 ** 22] },
      standard: { op: ALL_OPS, dtype: ['f32'], n: [2 ** 25] },
      full: { op: ALL_OPS, dtype: ['f32'], n: [2 ** 27] },
    },
  },
  work: ({ op, dtype, n }) => ({
    bytes: ELEMENT_BYTES[dtype] * n * (OPS[op].reads.length + 1),
    items: n,
    flop: op === 'copy' ? 0 : op === 'triad' ? 2 * n : n,
  }),
  // Three arrays on the device, three seeded inputs and one float64 reference on the host.
  memoryBytes: ({ dtype, n }) => 6 * ELEMENT_BYTES[dtype] * n + 8 * n,
  inputs: (seed, { dtype, n }) => {
    const rng = new Rng(seed);
    const make = (): Float32Array | Float64Array => rng.fill(dtype === 'f64' ? new Float64Array(n) : new Float32Array(n), 1, 2);
    return { a: make(), b: make(), c: make() };
  },
  reference: (inputs, { op, n }) => {
    const { a, b, c } = inputs as Record<'a' | 'b' | 'c', Float32Array | Float64Array>;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (op === 'copy') out[i] = a[i]!;
      else if (op === 'scale') out[i] = STREAM_SCALAR * c[i]!;
      else if (op === 'add') out[i] = a[i]! + b[i]!;
      else out[i] = b[i]! + STREAM_SCALAR * c[i]!;
    }
    return { values: out };
  },
  // One rounding per operation in the element type; a fused multiply-add differs by at most 1 ulp.
  tolerance: ({ op, dtype }) => (op === 'copy' ? 0 : 4 * (dtype === 'f64' ? 2 ** -53 : 2 ** -24)),
  impl: {
    cpu: ({ op, dtype, n }) => {
      if (dtype !== 'f64') return { unsupported: 'the CPU STREAM kernels are float64, as STREAM defines them' };
      const q = STREAM_SCALAR;
      const args = {
        copy: (o: Record<string, number>) => [o.a!, o.c!],
        scale: (o: Record<string, number>) => [o.c!, o.b!, q],
        add: (o: Record<string, number>) => [o.a!, o.b!, o.c!],
        triad: (o: Record<string, number>) => [o.b!, o.c!, o.a!, q],
      }[op];
      return {
        kind: 'wasm',
        module: 'stream',
        buffers: ['a', 'b', 'c'].map((name) => ({ name, dtype: 'f64' as const, length: n })),
        // 8 doubles (four 128-bit vectors) per loop step.
        phases: [{ entry: op, items: n, align: 8, args: ({ offset, begin, end }) => [...args(offset), begin, end] }],
        output: (read) => read(OPS[op].writes),
      };
    },
    cuda: ({ op, dtype, n }) => {
      const perVector = dtype === 'f64' ? 2 : 4; // 16-byte accesses: double2 or float4
      const n16 = n / perVector;
      const q = dtype === 'f64' ? { f64: STREAM_SCALAR } : { f32: STREAM_SCALAR };
      const len = { u64: n16 };
      const args = {
        copy: [{ buffer: 'a' }, { buffer: 'c' }, len],
        scale: [{ buffer: 'c' }, { buffer: 'b' }, q, len],
        add: [{ buffer: 'a' }, { buffer: 'b' }, { buffer: 'c' }, len],
        triad: [{ buffer: 'b' }, { buffer: 'c' }, { buffer: 'a' }, q, len],
      }[op];
      return {
        kind: 'cuda',
        source: 'stream',
        buffers: ['a', 'b', 'c'].map((name) => ({ name, dtype, length: n })),
        // One vector per thread, as BabelStream launches it.
        launches: [{ kernel: `stream_${op}_${dtype}`, grid: [Math.ceil(n16 / WG), 1, 1], block: [WG, 1, 1], args }],
        output: { buffer: OPS[op].writes },
      };
    },
    webgpu: ({ op, dtype, n }) => {
      if (dtype !== 'f32') return { unsupported: 'WGSL has no float64' };
      const { reads, writes } = OPS[op];
      return {
        kind: 'wgsl',
        shader: 'stream',
        prelude: { const: { WG: `${WG}u`, N4: `${n / 4}u`, SCALAR: `${STREAM_SCALAR}f` } },
        buffers: ['a', 'b', 'c'].map((name) => ({ name, dtype: 'f32' as const, length: n })),
        steps: [{ entry: op, bindings: [reads[0]!, reads[1] ?? null, writes], workgroups: [Math.min(MAX_GROUPS, Math.ceil(n / 4 / WG)), 1, 1] }],
        output: { buffer: writes },
      };
    },
  },
});
