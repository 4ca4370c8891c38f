/**
 * cnn: a ResNet-style network on images: a stem of two stride-2 3 × 3
 * convolutions (to a quarter of the resolution, as ResNet's stem does), then
 * basic residual blocks (conv 3 × 3, batch norm, ReLU, conv 3 × 3, batch
 * norm, add, ReLU), global average pooling and a 1000-way dense head.
 */
import { defineModelProbe } from '../src/models/probe.js';
import type { Layer } from '../src/models/network.js';

/** Output classes of the head (ImageNet's). */
const CLASSES = 1000;

const convBnRelu = (filters: number, stride: number): Layer[] => [
  { kind: 'conv2d', filters, size: 3, stride },
  { kind: 'batchNorm' },
  { kind: 'activation', fn: 'relu' },
];

export default defineModelProbe({
  id: 'cnn',
  version: 1,
  description: 'ResNet-style residual blocks (conv 3×3, batch norm, ReLU, residual) on image × image × 3 inputs through TensorFlow.js.',
  params: {
    image: { description: 'input height and width, pixels (3 channels)', integer: { min: 8, max: 1024, multipleOf: 4 } },
    channels: { description: 'channels of the residual blocks (the stem has half)', integer: { min: 2, max: 1024, multipleOf: 2 } },
    blocks: { description: 'residual blocks', integer: { min: 1, max: 64 } },
  },
  presets: {
    quick: { image: [32], channels: [16], blocks: [1], batch: [4] },
    standard: { image: [224], channels: [64], blocks: [2], batch: [16] },
    full: { image: [224], channels: [64], blocks: [4], batch: [64] },
  },
  network: ({ image, channels, blocks }) => {
    const c = Number(channels);
    const block: Layer = { kind: 'residual', body: [...convBnRelu(c, 1), { kind: 'conv2d', filters: c, size: 3, stride: 1 }, { kind: 'batchNorm' }], after: 'relu' };
    return {
      input: [Number(image), Number(image), 3],
      layers: [...convBnRelu(c / 2, 2), ...convBnRelu(c, 2), ...Array.from({ length: Number(blocks) }, () => block), { kind: 'globalAvgPool' }, { kind: 'dense', units: CLASSES }],
    };
  },
});
