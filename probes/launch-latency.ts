/**
 * launch-latency: the round trip of dispatching a near-empty task and seeing
 * it finish, as a latency distribution. One item = one dispatch.
 */
import { defineProbe } from '../src/core/probe.js';
import { Rng } from '../src/core/random.js';

export type LaunchParams = Record<string, never>;

export default defineProbe<LaunchParams>({
  id: 'launch-latency',
  source: import.meta.url,
  definition: {
    version: 1,
    work: 'items = 1 (one dispatch)',
    reference: 'the seeded float32-exact token copied back unchanged',
  },
  description: 'Round trip of dispatching a near-empty task to the device and seeing it finish (on the CPU: to every worker thread; on GPUs: submit to completion).',
  headline: 'items',
  latencyHeadline: 'p50',
  params: {},
  presets: { quick: {}, standard: {}, full: {} },
  work: () => ({ items: 1 }),
  memoryBytes: () => 4096,
  // A float32-exact token, so that every backend's copy of it is exact.
  inputs: (seed) => ({ token: Float64Array.of(Math.fround(new Rng(seed).uniform(1, 2))) }),
  // The output is the token, read back once every worker (or the GPU) has written it.
  reference: (inputs) => ({ values: Float64Array.of(inputs.token![0]!) }),
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
      // The token when every worker wrote it; NaN (a failed check) when any did not.
      output: (read) => {
        const token = read('token')[0]!;
        return Float64Array.of(read('slots').every((s) => s === token) ? token : NaN);
      },
    }),
    cuda: () => ({
      kind: 'cuda',
      source: 'launch-latency',
      buffers: [
        { name: 'token', dtype: 'f32', length: 1 },
        { name: 'slot', dtype: 'f32', length: 1 },
      ],
      launches: [{ kernel: 'touch', grid: [1, 1, 1], block: [32, 1, 1], args: [{ buffer: 'token' }, { buffer: 'slot' }] }],
      // cuLaunchKernel to cuStreamSynchronize, per launch: what a launch costs the caller.
      timing: 'roundtrip',
      output: { buffer: 'slot' },
    }),
    webgpu: () => ({
      kind: 'wgsl',
      shader: 'launch-latency',
      buffers: [
        { name: 'token', dtype: 'f32', length: 1 },
        { name: 'slot', dtype: 'f32', length: 1 },
      ],
      steps: [{ entry: 'touch', bindings: ['token', 'slot'], workgroups: [1, 1, 1] }],
      // Submit to completion, per dispatch: what a launch costs the caller.
      timing: 'roundtrip',
      output: { buffer: 'slot' },
    }),
  },
});
