import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { isTrainable, NORM_EPSILON, networkOutput, networkWeights, type Network } from '../../src/models/network.js';
import { loadEngine } from '../../src/models/tfjs/engines.js';
import { forward, trainingLoss, type Tensor, type Tf } from '../../src/models/tfjs/forward.js';

type Values = Float32Array | Float64Array;
type Weights = Map<string, Float32Array>;

let tf: Tf;
let liveTensors = 0;
beforeAll(async () => {
  tf = (await loadEngine('tfjs-cpu')).tf;
});
beforeEach(() => {
  liveTensors = tf.memory().numTensors;
});
afterEach(() => {
  // Every test disposes what it made.
  expect(tf.memory().numTensors).toBe(liveTensors);
});

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Seeded float32 weights in each weight's own range (float64 references read the same values). */
function seededWeights(net: Network, seed: number): Weights {
  const rng = new Rng(seed);
  return new Map(networkWeights(net).map((w) => [w.name, rng.fill(new Float32Array(elements(w.shape)), ...w.range)]));
}

function seeded(n: number, low: number, high: number, seed: number): Float32Array {
  return new Rng(seed).fill(new Float32Array(n), low, high);
}

/** The network's TensorFlow.js output for a batch, every tensor disposed. */
function runTf(net: Network, batch: number, x: Float32Array, weights: Weights, training = false): Float32Array {
  const y = tf.tidy(() => {
    const shapes = new Map(networkWeights(net).map((w) => [w.name, w.shape]));
    const map = new Map<string, Tensor>([...weights].map(([name, v]) => [name, tf.tensor(v, shapes.get(name)!)]));
    return forward(tf, net, tf.tensor(x, [batch, ...net.input]), map, training);
  });
  expect(y.shape).toEqual([batch, ...networkOutput(net)]);
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

/** max |actual − expected| / max |expected| below rtol. */
function expectClose(actual: Values, expected: Values, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  expect(err / scale).toBeLessThan(rtol);
}

// ---- float64 references ----

/** erf in float64: its Maclaurin series below 3, the continued fraction of erfc above (both accurate to ~1e-14). */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), evaluated from the tail.
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const gelu = (v: number): number => 0.5 * v * (1 + erf(v / Math.SQRT2));

/** rows × inF times inF × units, plus bias. */
function dense(x: Values, rows: number, inF: number, kernel: Values, bias: Values, units: number, act?: (v: number) => number): Float64Array {
  const y = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      let s = bias[u]!;
      for (let i = 0; i < inF; i++) s += x[r * inF + i]! * kernel[i * units + u]!;
      y[r * units + u] = act ? act(s) : s;
    }
  }
  return y;
}

/** Multi-head self-attention of one [tokens, width] sample. */
function attention(x: Values, tokens: number, width: number, heads: number, w: (n: string) => Values): Float64Array {
  const [q, k, v] = ['q', 'k', 'v'].map((p) => dense(x, tokens, width, w(`w${p}`), w(`b${p}`), width)) as [Float64Array, Float64Array, Float64Array];
  const depth = width / heads;
  const mixed = new Float64Array(tokens * width);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < tokens; i++) {
      const scores = Array.from({ length: tokens }, (_, j) => {
        let s = 0;
        for (let d = 0; d < depth; d++) s += q[i * width + h * depth + d]! * k[j * width + h * depth + d]!;
        return s / Math.sqrt(depth);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const total = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < depth; d++) {
        let s = 0;
        for (let j = 0; j < tokens; j++) s += (e[j]! / total) * v[j * width + h * depth + d]!;
        mixed[i * width + h * depth + d] = s;
      }
    }
  }
  return dense(mixed, tokens, width, w('wo'), w('bo'), width);
}

/** Normalises x over groups of channels (the last axis) with the given per-channel statistics. */
function normalize(x: Values, channels: number, mean: (i: number) => number, variance: (i: number) => number, gamma: Values, beta: Values): Float64Array {
  return Float64Array.from(x, (v, i) => ((v - mean(i)) / Math.sqrt(variance(i) + NORM_EPSILON)) * gamma[i % channels]! + beta[i % channels]!);
}

/** 'same'-padded convolution of one [size, size, c] image, TensorFlow's padding: the odd pixel goes after. */
function conv2d(x: Values, size: number, c: number, filter: Values, k: number, f: number, stride: number): Float64Array {
  const out = Math.ceil(size / stride);
  const before = Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2);
  const y = new Float64Array(out * out * f);
  for (let oy = 0; oy < out; oy++)
    for (let ox = 0; ox < out; ox++)
      for (let o = 0; o < f; o++) {
        let s = 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const [iy, ix] = [oy * stride + ky - before, ox * stride + kx - before];
            if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
            for (let i = 0; i < c; i++) s += x[(iy * size + ix) * c + i]! * filter[((ky * k + kx) * c + i) * f + o]!;
          }
        y[(oy * out + ox) * f + o] = s;
      }
  return y;
}

/** Applies a per-sample float64 function to every sample of a batch. */
function perSample(x: Values, batch: number, fn: (sample: Values) => Float64Array): Float64Array {
  const n = x.length / batch;
  const outs = Array.from({ length: batch }, (_, b) => fn(x.subarray(b * n, (b + 1) * n)));
  const y = new Float64Array(outs.length * outs[0]!.length);
  outs.forEach((o, b) => y.set(o, b * o.length));
  return y;
}

describe('the TensorFlow.js forward pass against float64 references (tfjs-cpu)', () => {
  it('float64 erf is accurate (the reference’s own check)', () => {
    // Tabulated values (Abramowitz & Stegun table 7.1, extended precision).
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 14);
  });

  it('runs a two-layer dense network with exact GELU', () => {
    const net: Network = { input: [6], layers: [{ kind: 'dense', units: 8, activation: 'gelu' }, { kind: 'dense', units: 3, activation: 'gelu' }] };
    const batch = 4;
    const w = seededWeights(net, 1);
    const x = seeded(batch * 6, -3, 3, 2);
    const h = dense(x, batch, 6, w.get('l.0.kernel')!, w.get('l.0.bias')!, 8, gelu);
    const expected = dense(h, batch, 8, w.get('l.1.kernel')!, w.get('l.1.bias')!, 3, gelu);
    // tfjs-cpu's erf is Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): well inside float32's 1e-5 here.
    expectClose(runTf(net, batch, x, w), expected, 1e-5);
    // The tanh approximation of GELU differs by more than the tolerance: the check can tell them apart.
    const tanhGelu = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const approx = dense(dense(x, batch, 6, w.get('l.0.kernel')!, w.get('l.0.bias')!, 8, tanhGelu), batch, 8, w.get('l.1.kernel')!, w.get('l.1.bias')!, 3, tanhGelu);
    expect(() => expectClose(approx, expected, 1e-5)).toThrow();
  });

  it('runs two-head self-attention with biases and 1/√depth scaling', () => {
    const net: Network = { input: [5, 8], layers: [{ kind: 'selfAttention', heads: 2 }] };
    const batch = 2;
    const w = seededWeights(net, 3);
    const x = seeded(batch * 40, -2, 2, 4);
    const expected = perSample(x, batch, (s) => attention(s, 5, 8, 2, (n) => w.get(`l.0.${n}`)!));
    expectClose(runTf(net, batch, x, w), expected, 1e-5);
    // One head (other head split) gives another answer.
    const oneHead = perSample(x, batch, (s) => attention(s, 5, 8, 1, (n) => w.get(`l.0.${n}`)!));
    expect(() => expectClose(oneHead, expected, 1e-5)).toThrow();
  });

  it('runs layer norm over the last axis with NORM_EPSILON', () => {
    const net: Network = { input: [5, 8], layers: [{ kind: 'layerNorm' }] };
    const batch = 2;
    const w = seededWeights(net, 5);
    // Offset inputs, so that the mean matters; variance 1/3, so that ε = 1e-3 shows (≈ 1.5e-3 relative).
    const x = seeded(batch * 40, 1, 3, 6);
    const mean = (i: number): number => x.subarray(i - (i % 8), i - (i % 8) + 8).reduce((a, b) => a + b, 0) / 8;
    const variance = (i: number): number => x.subarray(i - (i % 8), i - (i % 8) + 8).reduce((a, b) => a + (b - mean(i)) ** 2, 0) / 8;
    const expected = normalize(x, 8, mean, variance, w.get('l.0.gamma')!, w.get('l.0.beta')!);
    expectClose(runTf(net, batch, x, w), expected, 1e-5);
  });

  it.each([7, 8])('runs a 3×3 stride-2 "same" convolution on %i² pixels × 2 channels, then inference batch norm', (size) => {
    const net: Network = { input: [size, size, 2], layers: [{ kind: 'conv2d', filters: 3, size: 3, stride: 2 }, { kind: 'batchNorm' }] };
    const batch = 2;
    const w = seededWeights(net, 7);
    const x = seeded(batch * size * size * 2, -1, 1, 8);
    const conv = perSample(x, batch, (s) => conv2d(s, size, 2, w.get('l.0.filter')!, 3, 3, 2));
    expect(conv.length).toBe(batch * 4 * 4 * 3);
    const [mean, variance] = [w.get('l.1.mean')!, w.get('l.1.variance')!];
    const expected = normalize(conv, 3, (i) => mean[i % 3]!, (i) => variance[i % 3]!, w.get('l.1.gamma')!, w.get('l.1.beta')!);
    expectClose(runTf(net, batch, x, w), expected, 1e-5);
  });

  it('runs a residual block with ReLU after the addition', () => {
    const net: Network = { input: [3, 4], layers: [{ kind: 'residual', body: [{ kind: 'dense', units: 6, activation: 'relu' }, { kind: 'dense', units: 4 }], after: 'relu' }] };
    const w = seededWeights(net, 9);
    const x = seeded(2 * 12, -1, 1, 10);
    const relu = (v: number): number => Math.max(v, 0);
    const body = dense(dense(x, 6, 4, w.get('l.0.body.0.kernel')!, w.get('l.0.body.0.bias')!, 6, relu), 6, 6, w.get('l.0.body.1.kernel')!, w.get('l.0.body.1.bias')!, 4);
    expectClose(runTf(net, 2, x, w), Float64Array.from(body, (v, i) => relu(v + x[i]!)), 1e-5);
  });

  it('normalises with the batch’s statistics in training, the moving ones in inference', () => {
    const net: Network = { input: [4, 4, 2], layers: [{ kind: 'batchNorm' }] };
    const batch = 3;
    const w = seededWeights(net, 11);
    const x = seeded(batch * 32, 2, 5, 12); // far from the moving mean (±0.1)
    const channel = (data: Values, c: number): number[] => Array.from(data).filter((_, i) => i % 2 === c);
    const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const varOf = (v: number[]): number => meanOf(v.map((a) => (a - meanOf(v)) ** 2));
    const train = runTf(net, batch, x, w, true);
    const [gamma, beta] = [w.get('l.0.gamma')!, w.get('l.0.beta')!];
    for (const c of [0, 1]) {
      // Over batch and space: mean β, variance γ²·v/(v + ε) for the channel's batch variance v.
      const v = varOf(channel(x, c));
      expect(meanOf(channel(train, c))).toBeCloseTo(beta[c]!, 5);
      expect(varOf(channel(train, c)) / ((gamma[c]! ** 2 * v) / (v + NORM_EPSILON))).toBeCloseTo(1, 4);
    }
    const stats = [0, 1].map((c) => [meanOf(channel(x, c)), varOf(channel(x, c))] as const);
    expectClose(train, normalize(x, 2, (i) => stats[i % 2]![0], (i) => stats[i % 2]![1], gamma, beta), 1e-5);
    // Inference uses the moving statistics instead: its channel means are far from β.
    const inference = runTf(net, batch, x, w, false);
    expect(Math.abs(meanOf(channel(inference, 0)) - beta[0]!)).toBeGreaterThan(1);
  });
});

describe('training gradients', () => {
  it('matches float64 finite differences of the loss for every trainable weight', () => {
    const net: Network = { input: [3], layers: [{ kind: 'dense', units: 4, activation: 'gelu' }, { kind: 'dense', units: 2 }] };
    const batch = 2;
    const w = seededWeights(net, 13);
    const x = seeded(batch * 3, -1, 1, 14);
    const target = seeded(batch * 2, -1, 1, 15);
    const loss64 = (ws: Map<string, Values>): number => {
      const h = dense(x, batch, 3, ws.get('l.0.kernel')!, ws.get('l.0.bias')!, 4, gelu);
      const y = dense(h, batch, 4, ws.get('l.1.kernel')!, ws.get('l.1.bias')!, 2);
      return y.reduce((s, v, i) => s + (v - target[i]!) ** 2, 0) / y.length;
    };
    const specs = networkWeights(net);
    expect(specs.every(isTrainable)).toBe(true);
    const vars = specs.map((s) => {
      const t = tf.tensor(w.get(s.name)!, s.shape);
      const v = tf.variable(t, true, `forward-test/${s.name}`);
      t.dispose();
      return v;
    });
    const xt = tf.tensor(x, [batch, 3]);
    const tt = tf.tensor(target, [batch, 2]);
    const { value, grads } = tf.variableGrads(() => trainingLoss(tf, net, xt, tt, new Map(specs.map((s, i) => [s.name, vars[i]!]))), vars);
    const w64 = new Map<string, Values>([...w].map(([n, v]) => [n, Float64Array.from(v)]));
    expect(value.dataSync()[0]).toBeCloseTo(loss64(w64), 5);
    for (const s of specs) {
      const g = grads[`forward-test/${s.name}`]!.dataSync() as Float32Array;
      const p = w64.get(s.name)!;
      const h = 1e-5;
      const fd = Float64Array.from(p, (v, i) => {
        p[i] = v + h;
        const up = loss64(w64);
        p[i] = v - h;
        const down = loss64(w64);
        p[i] = v;
        return (up - down) / (2 * h);
      });
      expect(Math.max(...fd.map(Math.abs)), s.name).toBeGreaterThan(1e-3); // a real gradient, not zero
      expectClose(g, fd, 1e-4); // float32 gradients: ≈ 2e-7 observed
    }
    tf.dispose([value, xt, tt, ...vars, ...Object.values(grads)]);
  });
});
