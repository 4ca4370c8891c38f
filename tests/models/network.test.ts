import { describe, expect, it } from 'vitest';
import cnn from '../../probes/cnn.js';
import mlp from '../../probes/mlp.js';
import transformer from '../../probes/transformer.js';
import type { AnyProbe } from '../../src/core/probe.js';
import type { ModelWorkload } from '../../src/models/spec.js';
import {
  activationElements,
  isTrainable,
  largestTensors,
  layerFlop,
  networkFlop,
  networkOutput,
  networkWeights,
  outputShape,
  productDepths,
  shapeAfter,
  type Layer,
  type Network,
} from '../../src/models/network.js';

const MLP = { engine: 'tfjs-cpu', width: 4096, depth: 3 };
const TRANSFORMER = { engine: 'tfjs-cpu', sequence: 512, width: 768, heads: 12 };
const CNN = { engine: 'tfjs-cpu', image: 224, channels: 64, blocks: 2 };

/** The network a model probe hands its backends for a parameter set. */
function networkOf(probe: AnyProbe, params: Record<string, unknown>): Network {
  return (probe.impl.cpu!(params, {} as never) as ModelWorkload).network;
}

/** work() of a parameter set as the plan runs it (normalised first). */
function work(probe: AnyProbe, params: Record<string, unknown>): { flop?: number; samples?: number } {
  const p = probe.normalize ? probe.normalize(params) : params;
  return probe.work(p);
}

describe('FLOP counts, against hand-worked values', () => {
  it('mlp 3 × 4096: forward 3·2·4096² per sample; a training step 3·forward less the first layer’s input gradient', () => {
    // Forward: 3 layers × 2·4096·4096 = 3 × 33 554 432 = 100 663 296.
    // Train: 3 × 100 663 296 − 33 554 432 = 268 435 456 (8 products of 2·4096²).
    expect(work(mlp, { ...MLP, scenario: 'offline', batch: 64 })).toEqual({ flop: 100_663_296 * 64, samples: 64 });
    expect(work(mlp, { ...MLP, scenario: 'offline', batch: 1 })).toEqual({ flop: 100_663_296, samples: 1 });
    expect(work(mlp, { ...MLP, scenario: 'train-step', batch: 256 })).toEqual({ flop: 268_435_456 * 256, samples: 256 });
  });

  it('single-stream always runs batch 1, whatever batch is asked for', () => {
    expect(work(mlp, { ...MLP, scenario: 'single-stream', batch: 64 })).toEqual({ flop: 100_663_296, samples: 1 });
    expect(mlp.normalize!({ ...MLP, scenario: 'single-stream', batch: 64 }).batch).toBe(1);
    expect(mlp.normalize!({ ...MLP, scenario: 'offline', batch: 64 }).batch).toBe(64);
  });

  it('transformer 512 × 768: projections, attention products and the 4× MLP', () => {
    // Q, K, V, O projections: 4·2·512·768²       = 2 415 919 104
    // Q·Kᵀ and P·V:           2·2·512²·768       =   805 306 368
    // MLP 768→3072→768:       2·2·512·768·3072   = 4 831 838 208
    // Total                                      = 8 053 063 680
    expect(work(transformer, { ...TRANSFORMER, scenario: 'offline', batch: 8 })).toEqual({ flop: 8_053_063_680 * 8, samples: 8 });
    expect(work(transformer, { ...TRANSFORMER, scenario: 'single-stream', batch: 8 })).toEqual({ flop: 8_053_063_680, samples: 1 });
  });

  // Only the Q, K and V projections read the network input; the output projection and Q·Kᵀ, P·V still need their input
  // gradients (TensorFlow.js runs them; checked with tf.profile). By hand:
  // 3 × 8 053 063 680 − 3·2·512·768² (1 811 939 328) = 22 347 251 712 per sample.
  it('transformer training step: only the Q, K, V projections skip their input gradient', () => {
    expect(work(transformer, { ...TRANSFORMER, scenario: 'train-step', batch: 1 }).flop).toBe(22_347_251_712);
  });

  it('cnn at 224², 64 channels, 2 blocks: stem, residual convolutions and head', () => {
    // stem 1: 3×3 stride 2, 3 → 32 channels, 112²:   2·112·112·9·3·32  =  21 676 032
    // stem 2: 3×3 stride 2, 32 → 64 channels, 56²:   2·56·56·9·32·64   = 115 605 504
    // 2 blocks × 2 convs, 64 → 64 at 56²:        4 × 2·56·56·9·64·64   = 924 844 032
    // head: dense 64 → 1000:                         2·64·1000         =     128 000
    // Total                                                            = 1 062 253 568
    expect(work(cnn, { ...CNN, scenario: 'offline', batch: 16 })).toEqual({ flop: 1_062_253_568 * 16, samples: 16 });
    // Train: 3 × 1 062 253 568 − 21 676 032 (no gradient for the image) = 3 165 084 672.
    expect(work(cnn, { ...CNN, scenario: 'train-step', batch: 4 })).toEqual({ flop: 3_165_084_672 * 4, samples: 4 });
  });

  it('counts a convolution at its output resolution, and nothing for norms, activations and pooling', () => {
    // 7×7 stride 2 → 4×4 outputs, each 3·3·2 multiply-adds per filter, 3 filters: 2·16·18·3 = 1728.
    expect(layerFlop({ kind: 'conv2d', filters: 3, size: 3, stride: 2 }, [7, 7, 2])).toBe(1728);
    // Dense over every token: 5 tokens × 8 → 16: 2·5·8·16 = 1280.
    expect(layerFlop({ kind: 'dense', units: 16 }, [5, 8])).toBe(1280);
    for (const layer of [{ kind: 'batchNorm' }, { kind: 'layerNorm' }, { kind: 'activation', fn: 'relu' }, { kind: 'globalAvgPool' }] as Layer[]) {
      expect(layerFlop(layer, [4, 4, 8])).toBe(0);
    }
  });
});

describe('shapes', () => {
  it("rounds 'same'-padded strided convolutions up, and pools to channels", () => {
    const conv: Layer = { kind: 'conv2d', filters: 3, size: 3, stride: 2 };
    expect(outputShape(conv, [7, 7, 2])).toEqual([4, 4, 3]);
    expect(outputShape(conv, [8, 8, 2])).toEqual([4, 4, 3]);
    expect(outputShape(conv, [9, 5, 2])).toEqual([5, 3, 3]);
    expect(outputShape({ kind: 'conv2d', filters: 6, size: 3, stride: 1 }, [7, 7, 2])).toEqual([7, 7, 6]);
    expect(outputShape({ kind: 'globalAvgPool' }, [4, 4, 3])).toEqual([3]);
    expect(outputShape({ kind: 'dense', units: 16 }, [5, 8])).toEqual([5, 16]);
  });

  it('gives the probes’ networks their output shapes', () => {
    const net = networkOf(cnn, { ...CNN, scenario: 'offline', batch: 1, image: 36 });
    // 36 → 18 → 9 after the two stride-2 stem convolutions; the blocks keep 9×9×64.
    expect(shapeAfter(net.layers.slice(0, 6), [36, 36, 3])).toEqual([9, 9, 64]);
    expect(shapeAfter(net.layers.slice(0, 8), [36, 36, 3])).toEqual([9, 9, 64]);
    expect(networkOutput(net)).toEqual([1000]);
    expect(networkOutput(networkOf(transformer, { ...TRANSFORMER, scenario: 'offline', batch: 1 }))).toEqual([512, 768]);
    expect(networkOutput(networkOf(mlp, { ...MLP, scenario: 'offline', batch: 1 }))).toEqual([4096]);
  });

  it('rejects a residual whose body changes the shape', () => {
    const bad: Network = { input: [8], layers: [{ kind: 'residual', body: [{ kind: 'dense', units: 5 }] }] };
    expect(() => networkOutput(bad)).toThrow(/body changes the shape to \[5\]/);
    expect(() => networkFlop(bad)).toThrow(/residual/);
  });

  it('rejects attention whose width is not a multiple of the heads, and image layers on other ranks', () => {
    expect(() => outputShape({ kind: 'selfAttention', heads: 4 }, [5, 10])).toThrow(/multiple of 4 heads/);
    expect(outputShape({ kind: 'selfAttention', heads: 2 }, [5, 10])).toEqual([5, 10]);
    expect(() => outputShape({ kind: 'conv2d', filters: 3, size: 3, stride: 1 }, [5, 8])).toThrow(/height, width, channels/);
    expect(() => outputShape({ kind: 'globalAvgPool' }, [64])).toThrow(/height, width, channels/);
  });
});

describe('weights', () => {
  const cnnNet = networkOf(cnn, { ...CNN, scenario: 'offline', batch: 1, blocks: 1 });

  it('names and shapes every weight in forward order', () => {
    const mlpNet: Network = { input: [256], layers: [{ kind: 'dense', units: 128, activation: 'gelu' }, { kind: 'dense', units: 10 }] };
    expect(networkWeights(mlpNet).map((w) => [w.name, w.shape])).toEqual([
      ['l.0.kernel', [256, 128]],
      ['l.0.bias', [128]],
      ['l.1.kernel', [128, 10]],
      ['l.1.bias', [10]],
    ]);
    const byName = new Map(networkWeights(cnnNet).map((w) => [w.name, w.shape]));
    expect(byName.get('l.0.filter')).toEqual([3, 3, 3, 32]);
    expect(byName.get('l.1.variance')).toEqual([32]);
    expect(byName.get('l.3.filter')).toEqual([3, 3, 32, 64]);
    expect(byName.get('l.6.body.0.filter')).toEqual([3, 3, 64, 64]);
    expect(byName.get('l.6.body.4.gamma')).toEqual([64]);
    expect(byName.get('l.8.kernel')).toEqual([64, 1000]);
    const att = networkWeights({ input: [5, 8], layers: [{ kind: 'selfAttention', heads: 2 }] }).map((w) => w.name);
    expect(att).toEqual(['l.0.wq', 'l.0.bq', 'l.0.wk', 'l.0.bk', 'l.0.wv', 'l.0.bv', 'l.0.wo', 'l.0.bo']);
  });

  it('initialises kernels with variance 1/fan-in', () => {
    const [kernel] = networkWeights({ input: [256], layers: [{ kind: 'dense', units: 4 }] });
    // Uniform(−a, a) has variance a²/3 = 1/256 when a = √(3/256) = 0.108253175473...
    expect(kernel!.range[0]).toBeCloseTo(-0.10825317547, 10);
    expect(kernel!.range[1]).toBeCloseTo(0.10825317547, 10);
  });

  it('does not train batch norm’s moving statistics', () => {
    const ws = networkWeights(cnnNet);
    const frozen = ws.filter((w) => !isTrainable(w)).map((w) => w.name);
    // 2 stem norms + 2 in the block, each with a moving mean and variance.
    expect(frozen).toEqual(['l.1.mean', 'l.1.variance', 'l.4.mean', 'l.4.variance', 'l.6.body.1.mean', 'l.6.body.1.variance', 'l.6.body.4.mean', 'l.6.body.4.variance']);
    expect(ws.filter((w) => /gamma|beta|filter|kernel|bias/.test(w.name)).every(isTrainable)).toBe(true);
  });
});

describe('tensor sizes', () => {
  it('counts attention scores as heads · sequence² per sample', () => {
    const net = networkOf(transformer, { ...TRANSFORMER, scenario: 'offline', batch: 1 });
    // 12 heads · 512² = 3 145 728 scores (bigger than the 512 × 3072 = 1 572 864 MLP activation);
    // the largest weight is the 768 × 3072 MLP kernel = 2 359 296.
    expect(largestTensors(net)).toEqual({ activationPerSample: 3_145_728, weight: 2_359_296 });
  });

  it('counts every activation of an mlp, and the product lengths along its chain', () => {
    const net: Network = { input: [256], layers: [{ kind: 'dense', units: 256 }, { kind: 'dense', units: 64 }] };
    expect(activationElements(net)).toBe(256 + 256 + 64);
    expect(largestTensors(net)).toEqual({ activationPerSample: 256, weight: 65_536 });
    expect(productDepths(net)).toEqual([256, 256]);
    // Attention: projections of length 768, scores of depth 64, weighted sums over 512 tokens, output projection 768.
    expect(productDepths({ input: [512, 768], layers: [{ kind: 'selfAttention', heads: 12 }] })).toEqual([768, 64, 512, 768]);
  });
});

describe('probe inputs', () => {
  const cases: Array<{ id: string; probe: AnyProbe; sizes: Record<string, unknown> }> = [
    { id: 'mlp', probe: mlp, sizes: { engine: 'tfjs-cpu', width: 32, depth: 2, batch: 3 } },
    { id: 'cnn', probe: cnn, sizes: { engine: 'tfjs-cpu', image: 16, channels: 8, blocks: 1, batch: 2 } },
    { id: 'transformer', probe: transformer, sizes: { engine: 'tfjs-cpu', sequence: 6, width: 16, heads: 4, batch: 2 } },
  ];

  it.each(cases)('$id seeds every input, never constant', ({ probe, sizes }) => {
    const params = { ...sizes, scenario: 'train-step' };
    const a = probe.inputs(7, params);
    const b = probe.inputs(7, params);
    const c = probe.inputs(8, params);
    expect(Object.keys(a).length).toBeGreaterThan(2);
    for (const [name, values] of Object.entries(a)) {
      expect(values, name).toEqual(b[name]);
      expect(values, name).not.toEqual(c[name]);
      expect(new Set(values).size, name).toBeGreaterThan(1);
      expect(values.every(Number.isFinite), name).toBe(true);
    }
  });

  it.each(cases)('$id gives every weight its size, the batch and (training) the targets', ({ probe, sizes }) => {
    for (const scenario of ['offline', 'train-step']) {
      const params = { ...sizes, scenario };
      const net = networkOf(probe, params);
      const inputs = probe.inputs(1, params);
      const batch = sizes.batch as number;
      const elements = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);
      for (const w of networkWeights(net)) {
        expect(inputs[w.name]?.length, w.name).toBe(elements(w.shape));
        const [lo, hi] = w.range;
        expect(inputs[w.name]!.every((v) => v >= lo && v < hi), w.name).toBe(true);
      }
      expect(inputs.x!.length).toBe(batch * elements(net.input));
      if (scenario === 'train-step') expect(inputs.target!.length).toBe(batch * elements(networkOutput(net)));
      else expect(inputs.target).toBeUndefined();
    }
  });
});
