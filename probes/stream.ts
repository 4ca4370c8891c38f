/**
 * stream: the four STREAM kernels (McCalpin) on float64 arrays. Bytes are
 * counted as STREAM counts them: every array element read or written once
 * per iteration (copy and scale 16 bytes per element, add and triad 24), with
 * no write-allocate traffic.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export type StreamOp = 'copy' | 'scale' | 'add' | 'triad';
export interface StreamParams extends Record<string, string | number> {
  op: StreamOp;
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

export default defineProbe<StreamParams>({
  id: 'stream',
  description: 'STREAM copy, scale, add and triad on float64 arrays; bandwidth in bytes as STREAM counts them (no write-allocate traffic).',
  headline: 'bytes',
  latencyHeadline: 'p50',
  params: {
    op: { description: 'the STREAM kernel', values: ['copy', 'scale', 'add', 'triad'] },
    n: { description: 'elements per array (each array should be ≥ 4 × the last-level cache)', integer: { min: 1024, max: 2 ** 27, multipleOf: 1024 } },
  },
  presets: {
    // 2^22 doubles = 32 MiB per array: ≥ 4 × an 8 MiB L3, the STREAM rule, while staying quick.
    quick: { op: ['copy', 'scale', 'add', 'triad'], n: [2 ** 22] },
    // 2^24 doubles = 128 MiB per array: out of cache on every current server CPU's L3.
    standard: { op: ['copy', 'scale', 'add', 'triad'], n: [2 ** 24] },
    full: { op: ['copy', 'scale', 'add', 'triad'], n: [2 ** 26] },
  },
  work: ({ op, n }) => ({
    bytes: 8 * n * (OPS[op].reads.length + 1),
    items: n,
    flop: op === 'copy' ? 0 : op === 'triad' ? 2 * n : n,
  }),
  // Three arrays on the device, three seeded inputs and one reference on the host.
  memoryBytes: ({ n }) => 7 * 8 * n,
  inputs: (seed, { n }) => {
    const rng = new Rng(seed);
    return {
      a: rng.fill(new Float64Array(n), 1, 2),
      b: rng.fill(new Float64Array(n), 1, 2),
      c: rng.fill(new Float64Array(n), 1, 2),
    };
  },
  reference: (inputs, { op, n }) => {
    const { a, b, c } = inputs as Record<'a' | 'b' | 'c', Float64Array>;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (op === 'copy') out[i] = a[i]!;
      else if (op === 'scale') out[i] = STREAM_SCALAR * c[i]!;
      else if (op === 'add') out[i] = a[i]! + b[i]!;
      else out[i] = b[i]! + STREAM_SCALAR * c[i]!;
    }
    return { values: out };
  },
  // One rounding per operation in float64; a fused multiply-add (GPUs) differs by at most 1 ulp.
  tolerance: ({ op }) => (op === 'copy' ? 0 : 4 * 2 ** -52),
  impl: {
    cpu: ({ op, n }) => {
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
  },
});
