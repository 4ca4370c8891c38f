/**
 * transformer: one encoder block as BERT has it (post-norm): multi-head
 * self-attention, add & layer norm, a GELU feed-forward of 4 × width, add &
 * layer norm; sequence 512, width 768, 12 heads at the standard size.
 */
import { defineModelProbe } from '../src/models/probe.js';

/** Feed-forward width as a multiple of the model width (BERT's and GPT's). */
const FF_MULTIPLE = 4;

export default defineModelProbe({
  id: 'transformer',
  version: 1,
  description: 'One transformer encoder block (multi-head self-attention + GELU MLP, layer norm) at sequence × width through TensorFlow.js.',
  params: {
    sequence: { description: 'tokens per sample', integer: { min: 1, max: 16384 } },
    width: { description: 'model width (a multiple of heads)', integer: { min: 8, max: 16384 } },
    heads: { description: 'attention heads', integer: { min: 1, max: 128 } },
  },
  presets: {
    quick: { sequence: [64], width: [64], heads: [4], batch: [2] },
    standard: { sequence: [512], width: [768], heads: [12], batch: [8] },
    full: { sequence: [512], width: [768], heads: [12], batch: [32] },
  },
  network: ({ sequence, width, heads }) => {
    const d = Number(width);
    return {
      input: [Number(sequence), d],
      layers: [
        { kind: 'residual', body: [{ kind: 'selfAttention', heads: Number(heads) }] },
        { kind: 'layerNorm' },
        { kind: 'residual', body: [{ kind: 'dense', units: FF_MULTIPLE * d, activation: 'gelu' }, { kind: 'dense', units: d }] },
        { kind: 'layerNorm' },
      ],
    };
  },
});
