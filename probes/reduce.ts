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
  description: 'Sum of a float32 array: read bandwidth of a reduction, bytes = 4 per element.',
  headline: 'bytes',
  latencyHeadline: 'p50',
  params: {
    n: { description: 'elements', integer: { min: 4096, max: 2 ** 29, multipleOf: 4096 } },
  },
  presets: {
    quick: { n: [2 ** 23] },
    // 2^25 floats = 128 MiB: far out of cache.
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
  // Blocked summation: float32 within blocks of at most 256 elements (≤ 16 adds per lane on
  // the CPU, a shallow tree on GPUs), float64 or a tree across blocks: relative error ≤ ~32 u.
  tolerance: () => 32 * 2 ** -24,
  impl: {
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
