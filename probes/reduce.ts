/**
 * reduce: the sum of a large float32 array. Bandwidth-bound; bytes counted
 * are the array read once per iteration.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export interface ReduceParams extends Record<string, string | number> {
  n: number;
}

export default defineProbe<ReduceParams>({
  id: 'reduce',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'bytes = 4·n; items = n; flop = n',
    reference: 'float64 sum of the n float32 inputs; relative error of the single output',
  },
  description: 'Sum of a float32 array: read bandwidth of a reduction, bytes = 4 per element.',
  headline: 'bytes',
  latencyHeadline: 'p50',
  params: {
    n: { description: 'elements', integer: { min: 4096, max: 2 ** 29, multipleOf: 4096 } },
  },
  presets: {
    quick: { n: [2 ** 23] },
    // 2^25 floats = 128 MiB: out of every current CPU's L3 and GPU's L2.
    standard: { n: [2 ** 25] },
    full: { n: [2 ** 27] },
  },
  work: ({ n }) => ({ bytes: 4 * n, items: n, flop: n }),
  memoryBytes: ({ n }) => 2 * 4 * n + 4096,
  inputs: (seed, { n }) => ({ x: new Rng(seed).fill(new Float32Array(n), 0, 1) }),
  reference: (inputs) => {
    let s = 0;
    for (const v of inputs.x!) s += v;
    return { values: Float64Array.of(s) };
  },
  // Blocked summation: float32 within blocks (≤ 16 adds per lane on the CPU; on GPUs a few
  // dozen per invocation, then trees), float64 or a tree across blocks: relative error ≤ ~32 u.
  tolerance: () => 32 * 2 ** -24,
  impl: {
    cuda: ({ n }, { smCount, maxThreadsPerSm }) => {
      // Two blocks of 256 per resident slot: enough in flight to saturate memory.
      const groups = Math.min(Math.ceil(n / 4 / 256), 2 * smCount * Math.max(1, Math.floor(maxThreadsPerSm / 256)));
      return {
        kind: 'cuda',
        source: 'reduce',
        buffers: [
          { name: 'x', dtype: 'f32', length: n },
          { name: 'partials', dtype: 'f32', length: groups },
          { name: 'result', dtype: 'f32', length: 1 },
        ],
        launches: [
          { kernel: 'reduce_partial', grid: [groups, 1, 1], block: [256, 1, 1], args: [{ buffer: 'x' }, { buffer: 'partials' }, { u64: n / 4 }] },
          { kernel: 'reduce_total', grid: [1, 1, 1], block: [1024, 1, 1], args: [{ buffer: 'partials' }, { buffer: 'result' }, { i32: groups }] },
        ],
        output: { buffer: 'result' },
      };
    },
    webgpu: ({ n }) => {
      // 1024 workgroups of 256: enough to fill a large GPU, few enough partial sums for one workgroup to finish.
      const groups = Math.min(1024, Math.ceil(n / 4 / 256));
      return {
        kind: 'wgsl',
        shader: 'reduce',
        prelude: { const: { WG: '256u', N4: `${n / 4}u`, G: `${groups}u` } },
        buffers: [
          { name: 'x', dtype: 'f32', length: n },
          { name: 'partials', dtype: 'f32', length: groups },
          { name: 'result', dtype: 'f32', length: 1 },
        ],
        steps: [
          { entry: 'partial', bindings: ['x', 'partials', null], workgroups: [groups, 1, 1] },
          { entry: 'total', bindings: [null, 'partials', 'result'], workgroups: [1, 1, 1] },
        ],
        output: { buffer: 'result' },
      };
    },
    cpu: ({ n }, { threads }) => ({
      kind: 'wasm',
      module: 'reduce',
      buffers: [
        { name: 'x', dtype: 'f32', length: n },
        { name: 'partials', dtype: 'f64', length: threads },
      ],
      // The kernel sums blocks of 256 floats.
      phases: [{ entry: 'sum', items: n, align: 256, args: ({ offset, begin, end, thread }) => [offset.x!, offset.partials! + 8 * thread, begin, end] }],
      output: (read) => {
        const partials = read('partials');
        let s = 0;
        for (const p of partials) s += p;
        return Float64Array.of(s);
      },
    }),
  },
});
