/**
 * transfer: host↔device copy bandwidth, from pinned (page-locked) and from
 * pageable host memory. Bytes counted once per copy.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export interface TransferParams extends Record<string, string | number> {
  direction: 'h2d' | 'd2h';
  memory: 'pinned' | 'pageable';
  bytes: number;
}

const MiB = 2 ** 20;

export default defineProbe<TransferParams>({
  id: 'transfer',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'bytes = copied bytes; items = bytes / 4',
    reference: 'the float32 source copied bit for bit (tolerance 0)',
  },
  description: 'Host-to-device and device-to-host copy bandwidth, from pinned and from pageable host memory; bytes copied.',
  headline: 'bytes',
  latencyHeadline: 'p50',
  params: {
    direction: { description: 'h2d (host to device) or d2h (device to host)', values: ['h2d', 'd2h'] },
    memory: { description: 'host memory: pinned (page-locked) or pageable', values: ['pinned', 'pageable'] },
    bytes: { description: 'bytes per copy', integer: { min: MiB, max: 16 * 1024 * MiB, multipleOf: MiB } },
  },
  presets: {
    quick: { direction: ['h2d', 'd2h'], memory: ['pinned', 'pageable'], bytes: [64 * MiB] },
    // 256 MiB: long enough per copy (~10 ms at PCIe 5 speeds) for event timing to be exact.
    standard: { direction: ['h2d', 'd2h'], memory: ['pinned', 'pageable'], bytes: [256 * MiB] },
    full: { direction: ['h2d', 'd2h'], memory: ['pinned', 'pageable'], bytes: [1024 * MiB] },
  },
  work: ({ bytes }) => ({ bytes, items: bytes / 4 }),
  // The source on the host, a pinned or pageable copy of it, the check and the reference.
  memoryBytes: ({ bytes }) => 5 * bytes,
  inputs: (seed, { bytes }) => ({ x: new Rng(seed).fill(new Float32Array(bytes / 4), -1, 1) }),
  // A copy is exact: the data arrive bit for bit.
  reference: (inputs) => ({ values: Float64Array.from(inputs.x!) }),
  tolerance: () => 0,
  impl: {
    cuda: ({ direction, memory }) => ({ kind: 'cuda-transfer', direction, memory, input: 'x' }),
  },
});
