/**
 * Networks as data: a small vocabulary of standard layers, each knowing its
 * output shape, its weights and the FLOP it costs, from shapes alone. The
 * model probes' work formulas and capacity checks come from here, and the
 * TensorFlow.js forward pass (tfjs/forward.ts) walks the same description,
 * so what is counted is what runs.
 *
 * Shapes are per sample (no batch dimension): [features], [tokens, width]
 * or [height, width, channels].
 */

export type Shape = readonly number[];

export type Activation = 'relu' | 'gelu';

export type Layer =
  /** y = act(x W + b) over the last axis (every token of a sequence). */
  | { kind: 'dense'; units: number; activation?: Activation }
  /** 'same'-padded k × k convolution without bias (batch norm follows it). */
  | { kind: 'conv2d'; filters: number; size: number; stride: number }
  /** Batch normalisation over channels: moving statistics in inference, batch statistics in training. */
  | { kind: 'batchNorm' }
  | { kind: 'activation'; fn: Activation }
  /** y = after(x + body(x)). */
  | { kind: 'residual'; body: readonly Layer[]; after?: Activation }
  /** Layer normalisation over the last axis. */
  | { kind: 'layerNorm' }
  /** Multi-head self-attention with Q, K, V and output projections (biases included), unmasked. */
  | { kind: 'selfAttention'; heads: number }
  /** Mean over height and width: [h, w, c] → [c]. */
  | { kind: 'globalAvgPool' };

export interface Network {
  /** One sample's input shape. */
  input: Shape;
  layers: readonly Layer[];
}

/** One weight tensor: its path name, shape and how it is initialised. */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** Uniform range of the seeded initial values (never a constant). */
  range: [number, number];
}

/** Normalisation epsilon (Keras' default for both norms). */
export const NORM_EPSILON = 1e-3;

const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const last = (shape: Shape): number => shape[shape.length - 1]!;

function expect(cond: boolean, layer: Layer, inShape: Shape, what: string): void {
  if (!cond) throw new Error(`${layer.kind} layer on input [${inShape.join(', ')}]: ${what}`);
}

/** The output shape of one layer. */
export function outputShape(layer: Layer, inShape: Shape): Shape {
  switch (layer.kind) {
    case 'dense':
      return [...inShape.slice(0, -1), layer.units];
    case 'conv2d': {
      expect(inShape.length === 3, layer, inShape, 'needs [height, width, channels]');
      return [Math.ceil(inShape[0]! / layer.stride), Math.ceil(inShape[1]! / layer.stride), layer.filters];
    }
    case 'residual': {
      const out = shapeAfter(layer.body, inShape);
      expect(out.join() === inShape.join(), layer, inShape, `body changes the shape to [${out.join(', ')}]`);
      return inShape;
    }
    case 'selfAttention':
      expect(inShape.length === 2 && inShape[1]! % layer.heads === 0, layer, inShape, `needs [tokens, width] with width a multiple of ${layer.heads} heads`);
      return inShape;
    case 'globalAvgPool':
      expect(inShape.length === 3, layer, inShape, 'needs [height, width, channels]');
      return [inShape[2]!];
    default:
      return inShape;
  }
}

/** The shape after a sequence of layers. */
export function shapeAfter(layers: readonly Layer[], inShape: Shape): Shape {
  return layers.reduce<Shape>((shape, layer) => outputShape(layer, shape), inShape);
}

/** The network's output shape per sample. */
export function networkOutput(net: Network): Shape {
  return shapeAfter(net.layers, net.input);
}

/**
 * Forward FLOP per sample of one layer: 2 per multiply-add of its matrix
 * products and convolutions. Normalisations, activations, softmax, bias and
 * residual additions are not counted (the convention of MLPerf and of model
 * FLOP counts in the literature; they are a few per cent of these models).
 */
export function layerFlop(layer: Layer, inShape: Shape): number {
  switch (layer.kind) {
    case 'dense':
      return 2 * (size(inShape) / last(inShape)) * last(inShape) * layer.units;
    case 'conv2d': {
      const [h, w] = outputShape(layer, inShape);
      return 2 * h! * w! * layer.size * layer.size * inShape[2]! * layer.filters;
    }
    case 'residual':
      return networkFlop({ input: inShape, layers: layer.body });
    case 'selfAttention': {
      const [s, d] = inShape as [number, number];
      // Q, K, V and output projections; Q·Kᵀ scores and the weighted sum of V, over all heads.
      return 4 * 2 * s * d * d + 2 * (2 * s * s * d);
    }
    default:
      return 0;
  }
}

/** Forward FLOP per sample of a whole network. */
export function networkFlop(net: Network): number {
  let shape = net.input;
  let total = 0;
  for (const layer of net.layers) {
    total += layerFlop(layer, shape);
    shape = outputShape(layer, shape);
  }
  return total;
}

/**
 * Forward FLOP of the products that read a tensor no weight has touched yet
 * (the network's input, or it through weightless layers): nothing needs their
 * input gradient, and TensorFlow.js prunes it from the tape. In a transformer
 * block that is only the Q, K and V projections, not the attention products.
 */
function inputProductFlop(layers: readonly Layer[], inShape: Shape): number {
  let shape = inShape;
  for (const layer of layers) {
    switch (layer.kind) {
      case 'dense':
      case 'conv2d':
        return layerFlop(layer, shape);
      case 'selfAttention':
        return 3 * 2 * shape[0]! * shape[1]! * shape[1]!;
      case 'residual':
        return inputProductFlop(layer.body, shape);
      case 'batchNorm':
      case 'layerNorm':
        return 0; // their scale is a weight: what follows depends on it
      default:
        shape = outputShape(layer, shape); // weightless: still untouched by weights
    }
  }
  return 0;
}

/**
 * FLOP per sample of one training step: the forward pass, then for every
 * counted product the gradient with respect to its input and to its weights
 * (each as many FLOP as the forward product), less the input gradients nothing
 * needs (inputProductFlop). The optimizer update is elementwise and not counted.
 */
export function trainFlop(net: Network): number {
  const forward = networkFlop(net);
  return 3 * forward - inputProductFlop(net.layers, net.input);
}

/** Every weight of one layer, named under `prefix`, in the order the forward pass takes them. */
export function layerWeights(layer: Layer, inShape: Shape, prefix: string): WeightSpec[] {
  const fanIn = (n: number): [number, number] => [-Math.sqrt(3 / n), Math.sqrt(3 / n)]; // variance 1/fan-in (LeCun)
  const bias: [number, number] = [-0.1, 0.1];
  const channels = last(inShape);
  switch (layer.kind) {
    case 'dense':
      return [
        { name: `${prefix}.kernel`, shape: [channels, layer.units], range: fanIn(channels) },
        { name: `${prefix}.bias`, shape: [layer.units], range: bias },
      ];
    case 'conv2d':
      return [{ name: `${prefix}.filter`, shape: [layer.size, layer.size, channels, layer.filters], range: fanIn(layer.size * layer.size * channels) }];
    case 'batchNorm':
      return [
        { name: `${prefix}.gamma`, shape: [channels], range: [0.8, 1.2] },
        { name: `${prefix}.beta`, shape: [channels], range: bias },
        { name: `${prefix}.mean`, shape: [channels], range: bias },
        { name: `${prefix}.variance`, shape: [channels], range: [0.5, 1.5] },
      ];
    case 'layerNorm':
      return [
        { name: `${prefix}.gamma`, shape: [channels], range: [0.8, 1.2] },
        { name: `${prefix}.beta`, shape: [channels], range: bias },
      ];
    case 'selfAttention':
      return ['q', 'k', 'v', 'o'].flatMap((p) => [
        { name: `${prefix}.w${p}`, shape: [channels, channels], range: fanIn(channels) },
        { name: `${prefix}.b${p}`, shape: [channels], range: bias },
      ]);
    case 'residual':
      return sequenceWeights(layer.body, inShape, `${prefix}.body`);
    default:
      return [];
  }
}

function sequenceWeights(layers: readonly Layer[], inShape: Shape, prefix: string): WeightSpec[] {
  let shape = inShape;
  return layers.flatMap((layer, i) => {
    const w = layerWeights(layer, shape, `${prefix}.${i}`);
    shape = outputShape(layer, shape);
    return w;
  });
}

/** Every weight of a network: layer i's are named "l<i>.…". */
export function networkWeights(net: Network): WeightSpec[] {
  return sequenceWeights(net.layers, net.input, 'l');
}

/** Weights a training step updates (batch norm's moving statistics are not trained). */
export function isTrainable(w: WeightSpec): boolean {
  return !/\.(mean|variance)$/.test(w.name);
}

/** Elements of the largest tensor one sample makes (activations, attention scores) and of the largest weight. */
export function largestTensors(net: Network): { activationPerSample: number; weight: number } {
  let activation = size(net.input);
  const visit = (layers: readonly Layer[], inShape: Shape): void => {
    let shape = inShape;
    for (const layer of layers) {
      if (layer.kind === 'residual') visit(layer.body, shape);
      if (layer.kind === 'selfAttention') activation = Math.max(activation, layer.heads * shape[0]! * shape[0]!);
      shape = outputShape(layer, shape);
      activation = Math.max(activation, size(shape));
    }
  };
  visit(net.layers, net.input);
  const weight = Math.max(0, ...networkWeights(net).map((w) => size(w.shape)));
  return { activationPerSample: activation, weight };
}

/** Elements of every activation one sample makes in a forward pass (kept for the backward pass in training). */
export function activationElements(net: Network): number {
  let total = size(net.input);
  const visit = (layers: readonly Layer[], inShape: Shape): void => {
    let shape = inShape;
    for (const layer of layers) {
      if (layer.kind === 'residual') visit(layer.body, shape);
      if (layer.kind === 'selfAttention') total += 2 * layer.heads * shape[0]! * shape[0]! + 4 * size(shape);
      shape = outputShape(layer, shape);
      total += size(shape);
    }
  };
  visit(net.layers, net.input);
  return total;
}

/** The dot-product lengths along the network's longest chain of products (for tolerances). */
export function productDepths(net: Network): number[] {
  const out: number[] = [];
  const visit = (layers: readonly Layer[], inShape: Shape): void => {
    let shape = inShape;
    for (const layer of layers) {
      if (layer.kind === 'dense') out.push(last(shape));
      if (layer.kind === 'conv2d') out.push(layer.size * layer.size * last(shape));
      if (layer.kind === 'selfAttention') out.push(last(shape), last(shape) / layer.heads, shape[0]!, last(shape));
      if (layer.kind === 'residual') visit(layer.body, shape);
      shape = outputShape(layer, shape);
    }
  };
  visit(net.layers, net.input);
  return out;
}

export const elementsOf = size;
