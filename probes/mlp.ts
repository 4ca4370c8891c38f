/**
 * mlp: a stack of dense layers with GELU (3 × 4096 at the standard size), the
 * shape of a transformer's feed-forward block and of recommendation towers.
 * FLOP per sample: 2 · width² per layer (3 · that, less the first layer's input
 * gradient, for a training step).
 */
import { defineModelProbe } from '../src/models/probe.js';

export default defineModelProbe({
  id: 'mlp',
  version: 1,
  description: 'Dense layers with GELU (depth × width, width inputs) through TensorFlow.js; samples per second, latency, joules per sample.',
  params: {
    width: { description: 'units per layer (and input features)', integer: { min: 8, max: 65536 } },
    depth: { description: 'dense layers', integer: { min: 1, max: 64 } },
  },
  presets: {
    // quick: milliseconds per batch even on tfjs-cpu (≈ 0.5 GFLOP/s here).
    quick: { width: [256], depth: [3], batch: [16] },
    standard: { width: [4096], depth: [3], batch: [64] },
    full: { width: [4096], depth: [3], batch: [256] },
  },
  network: ({ width, depth }) => ({
    input: [Number(width)],
    layers: Array.from({ length: Number(depth) }, () => ({ kind: 'dense' as const, units: Number(width), activation: 'gelu' as const })),
  }),
});
