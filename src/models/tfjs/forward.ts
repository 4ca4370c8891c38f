/**
 * A network description (../network.ts) run through TensorFlow.js ops: the
 * forward pass for inference (moving batch-norm statistics) and training
 * (batch statistics), and the loss of a training step. Works with any
 * TensorFlow.js namespace (tfjs-core with a registered backend, or the
 * namespace tfjs-node exports), so every engine runs the same code.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { NORM_EPSILON, outputShape, type Activation, type Layer, type Network, type Shape } from '../network.js';

export type Tf = typeof TfCore;
export type Tensor = TfCore.Tensor;

/** Weights by the names networkWeights() gives them. */
export type WeightMap = ReadonlyMap<string, Tensor>;

function weight(weights: WeightMap, name: string): Tensor {
  const w = weights.get(name);
  if (!w) throw new Error(`network weight ${name} is missing`);
  return w;
}

function activate(tf: Tf, x: Tensor, fn: Activation | undefined): Tensor {
  if (fn === 'relu') return tf.relu(x);
  // Exact GELU, x·Φ(x) = x/2 · (1 + erf(x/√2)), as BERT and Keras define it.
  if (fn === 'gelu') return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  return x;
}

/** x·W + b over the last axis of a [batch, ..., channels] tensor. */
function dense(tf: Tf, x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  const channels = x.shape[x.shape.length - 1]!;
  const units = kernel.shape[1]!;
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, channels]);
  const y = tf.add(tf.matMul(flat as TfCore.Tensor2D, kernel as TfCore.Tensor2D), bias);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), units]);
}

function layerNorm(tf: Tf, x: Tensor, gamma: Tensor, beta: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, NORM_EPSILON))), gamma), beta);
}

function selfAttention(tf: Tf, x: Tensor, heads: number, w: (name: string) => Tensor): Tensor {
  const [batch, tokens, width] = x.shape as [number, number, number];
  const depth = width / heads;
  // [batch, tokens, width] → [batch, heads, tokens, depth]
  const split = (t: Tensor): TfCore.Tensor4D => tf.transpose(tf.reshape(t, [batch, tokens, heads, depth]), [0, 2, 1, 3]);
  const q = split(dense(tf, x, w('wq'), w('bq')));
  const k = split(dense(tf, x, w('wk'), w('bk')));
  const v = split(dense(tf, x, w('wv'), w('bv')));
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(depth));
  const mixed = tf.matMul(tf.softmax(scores), v);
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tokens, width]);
  return dense(tf, merged, w('wo'), w('bo'));
}

function applyLayer(tf: Tf, layer: Layer, x: Tensor, inShape: Shape, weights: WeightMap, prefix: string, training: boolean): Tensor {
  const w = (name: string): Tensor => weight(weights, `${prefix}.${name}`);
  switch (layer.kind) {
    case 'dense':
      return activate(tf, dense(tf, x, w('kernel'), w('bias')), layer.activation);
    case 'conv2d':
      return tf.conv2d(x as TfCore.Tensor4D, w('filter') as TfCore.Tensor4D, layer.stride, 'same');
    case 'batchNorm': {
      if (!training) return tf.batchNorm(x, w('mean'), w('variance'), w('beta'), w('gamma'), NORM_EPSILON);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, w('beta'), w('gamma'), NORM_EPSILON);
    }
    case 'activation':
      return activate(tf, x, layer.fn);
    case 'residual':
      return activate(tf, tf.add(x, applySequence(tf, layer.body, x, inShape, weights, `${prefix}.body`, training)), layer.after);
    case 'layerNorm':
      return layerNorm(tf, x, w('gamma'), w('beta'));
    case 'selfAttention':
      return selfAttention(tf, x, layer.heads, w);
    case 'globalAvgPool':
      return tf.mean(x, [1, 2]);
  }
}

function applySequence(tf: Tf, layers: readonly Layer[], x: Tensor, inShape: Shape, weights: WeightMap, prefix: string, training: boolean): Tensor {
  let shape = inShape;
  let y = x;
  layers.forEach((layer, i) => {
    y = applyLayer(tf, layer, y, shape, weights, `${prefix}.${i}`, training);
    shape = outputShape(layer, shape);
  });
  return y;
}

/** The network on a [batch, ...input] tensor. Call inside tf.tidy (intermediates are not disposed here). */
export function forward(tf: Tf, net: Network, x: Tensor, weights: WeightMap, training = false): Tensor {
  return applySequence(tf, net.layers, x, net.input, weights, 'l', training);
}

/** The training loss: mean squared error against the target (a scalar). */
export function trainingLoss(tf: Tf, net: Network, x: Tensor, target: Tensor, weights: WeightMap): TfCore.Scalar {
  return tf.mean(tf.squaredDifference(forward(tf, net, x, weights, true), target));
}
