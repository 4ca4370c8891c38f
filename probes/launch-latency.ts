/**
 * launch-latency: the round trip of dispatching a near-empty task and seeing
 * it finish, as a latency distribution. One item = one dispatch.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export type LaunchParams = Record<string, never>;

export default defineProbe<LaunchParams>({
  id: 'launch-latency',
  description: 'Round trip of dispatching a near-empty task to the device (on the CPU: to every worker thread) and seeing it finish.',
  headline: 'items',
  latencyHeadline: 'p50',
  params: {},
  presets: { quick: {}, standard: {}, full: {} },
  work: () => ({ items: 1 }),
  memoryBytes: () => 4096,
  inputs: (seed) => ({ token: Float64Array.of(new Rng(seed).uniform(1, 2)) }),
  // The output is the fraction of workers that wrote the token: all of them.
  reference: () => ({ values: Float64Array.of(1) }),
  tolerance: () => 0,
  impl: {
    cpu: (_params, { threads }) => ({
      kind: 'wasm',
      module: 'empty',
      buffers: [
        { name: 'token', dtype: 'f64', length: 1 },
        { name: 'slots', dtype: 'f64', length: threads },
      ],
      phases: [{ entry: 'touch', items: threads, align: 1, args: ({ offset, thread }) => [offset.token!, offset.slots! + 8 * thread] }],
      output: (read) => {
        const token = read('token')[0];
        const slots = read('slots');
        let ran = 0;
        for (const s of slots) if (s === token) ran++;
        return Float64Array.of(ran / slots.length);
      },
    }),
  },
});
