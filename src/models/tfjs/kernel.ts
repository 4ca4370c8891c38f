/**
 * A model probe on one TensorFlow.js engine, as a PreparedKernel: weights and
 * inputs uploaded once, then one iteration = one batch through the scenario
 * (inference with the output read back, or a training step with its loss
 * read back), timed on the host. Every tensor an iteration makes is disposed
 * in it; the live tensor count is measured across the windows.
 */
import { UnavailableError } from '../../core/errors.js';
import type { Inputs, Reference } from '../../core/probe.js';
import type { TimerInfo } from '../../core/device.js';
import type { PreparedKernel, WindowRequest, WindowTiming } from '../../core/prepared.js';
import { roundtripWindow } from '../../backends/roundtrip.js';
import { formatBytes } from '../../core/units.js';
import { elementsOf, isTrainable, networkOutput, networkWeights } from '../network.js';
import { GRADIENT_SAMPLES, LEARNING_RATE, modelKernelIdentity, type TfjsModelSpec } from '../spec.js';
import { forward, trainingLoss, type Tensor, type Tf } from './forward.js';
import type { LoadedEngine } from './engines.js';

/**
 * A gradient that is zero in exact arithmetic (the attention key bias: softmax
 * ignores a shift shared by every key) is pure rounding noise in both engines,
 * so it is checked against the largest gradient times this, not its own size.
 * Real gradients here are within 2^-9 of the largest.
 */
const ZERO_GRADIENT_FLOOR = 2 ** -16;

export const MODEL_TIMER: TimerInfo = {
  kind: 'host-monotonic',
  resolutionSeconds: 1e-6,
  description: 'host clock around each iteration: the batch through TensorFlow.js until its output (or training loss) is read back',
};

/** A named part of the verification output; each is checked relative to its own largest value. */
interface Segment {
  name: string;
  values: Float32Array;
}

/** Tensors of one model on one engine. */
interface Loaded {
  weights: Map<string, Tensor>;
  trainable: Array<ReturnType<Tf['variable']>>;
  x: Tensor;
  target: Tensor | null;
  /** The fixed verification batch: the first samples of x and target. */
  xv: Tensor;
  targetV: Tensor | null;
  all: Tensor[];
}

function upload(tf: Tf, spec: TfjsModelSpec, inputs: Inputs): Loaded {
  const train = spec.scenario === 'train-step';
  const net = spec.network;
  const all: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (all.push(t), t);
  const weights = new Map<string, Tensor>();
  const trainable: Loaded['trainable'] = [];
  for (const w of networkWeights(net)) {
    const data = inputs[w.name];
    if (!data || data.length !== elementsOf(w.shape)) throw new Error(`input ${w.name} must hold ${elementsOf(w.shape)} values`);
    const t = tf.tensor(data as Float32Array, w.shape, 'float32');
    if (train && isTrainable(w)) {
      const v = keep(tf.variable(t, true, `${spec.engine}/${w.name}`));
      t.dispose();
      trainable.push(v);
      weights.set(w.name, v);
    } else weights.set(w.name, keep(t));
  }
  const batchOf = (name: string, sample: readonly number[]): Tensor => {
    const data = inputs[name];
    if (!data || data.length !== spec.batch * elementsOf(sample)) throw new Error(`input ${name} must hold ${spec.batch} samples`);
    return keep(tf.tensor(data as Float32Array, [spec.batch, ...sample], 'float32'));
  };
  const x = batchOf('x', net.input);
  const target = train ? batchOf('target', networkOutput(net)) : null;
  const first = (t: Tensor): Tensor => keep(tf.slice(t, 0, spec.verifyBatch));
  return { weights, trainable, x, target, xv: first(x), targetV: target && first(target), all };
}

/** Evenly spaced entries of a flat array (all of them when it is short). */
function sample(values: Float32Array, count: number): Float32Array {
  if (values.length <= count) return values;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = values[Math.floor((i * values.length) / count)]!;
  return out;
}

/**
 * The verification output on the fixed batch: inference → the network's output
 * for those samples, computed alone and within the full batch; training → the
 * loss and a sample of every trainable weight's gradient, from the initial weights.
 */
async function verificationSegments(tf: Tf, spec: TfjsModelSpec, m: Loaded): Promise<Segment[]> {
  const read = async (name: string, t: Tensor): Promise<Segment> => {
    const values = (await t.data()) as Float32Array;
    t.dispose();
    return { name, values: Float32Array.from(values) };
  };
  if (spec.scenario !== 'train-step') {
    const alone = tf.tidy(() => forward(tf, spec.network, m.xv, m.weights));
    const batched = tf.tidy(() => tf.slice(forward(tf, spec.network, m.x, m.weights), 0, spec.verifyBatch));
    return [await read('output', alone), await read('output within the batch', batched)];
  }
  const { value, grads } = tf.variableGrads(() => trainingLoss(tf, spec.network, m.xv, m.targetV!, m.weights), m.trainable);
  const segments = [await read('loss', value)];
  for (const v of m.trainable) {
    const g = await read(`gradient of ${v.name}`, grads[v.name]!);
    segments.push({ name: g.name, values: sample(g.values, GRADIENT_SAMPLES) });
  }
  return segments;
}

/** TensorFlow.js names a missing kernel this way; an engine that lacks one cannot run the probe. */
function asUnavailable(engine: LoadedEngine, err: unknown): unknown {
  const m = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(err instanceof Error ? err.message : String(err));
  return m ? new UnavailableError(`${engine.id} has no ${m[1]} kernel (TensorFlow.js ${engine.tf.version_core}), which this scenario needs`) : err;
}

function concat(segments: readonly Segment[]): Float32Array {
  const out = new Float32Array(segments.reduce((n, s) => n + s.values.length, 0));
  let at = 0;
  for (const s of segments) {
    out.set(s.values, at);
    at += s.values.length;
  }
  return out;
}

/**
 * The reference for a model probe: the verification output computed by the
 * reference engine (tfjs-cpu) on the fixed batch only. Each segment's errors
 * are scaled by its own largest magnitude (a gradient is far smaller than the
 * loss). Inference has two segments with the same reference.
 */
export async function modelReference(reference: LoadedEngine, spec: TfjsModelSpec, inputs: Inputs): Promise<Reference> {
  const v = spec.verifyBatch;
  const sliced: Inputs = { ...inputs };
  for (const name of ['x', 'target']) {
    const data = inputs[name];
    if (data) sliced[name] = data.subarray(0, (data.length / spec.batch) * v);
  }
  const small: TfjsModelSpec = { ...spec, batch: v };
  await reference.activate();
  const tf = reference.tf;
  const m = upload(tf, small, sliced);
  try {
    let segments = await verificationSegments(tf, small, m);
    if (spec.scenario !== 'train-step') segments = [segments[0]!, { ...segments[0]!, name: 'output within the batch' }];
    const values = Float64Array.from(concat(segments));
    const scale = new Float64Array(values.length);
    const maxOf = (s: Segment): number => s.values.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    const gradients = segments.filter((s) => s.name.startsWith('gradient'));
    const floor = Math.max(Number.MIN_VALUE, ...gradients.map(maxOf)) * ZERO_GRADIENT_FLOOR;
    let at = 0;
    for (const s of segments) {
      scale.fill(Math.max(maxOf(s), s.name.startsWith('gradient') ? floor : Number.MIN_VALUE), at, at + s.values.length);
      at += s.values.length;
    }
    return { values, scale };
  } finally {
    m.all.forEach((t) => t.dispose());
  }
}

/** One iteration of the model's scenario: a training step (its loss read back) or a forward pass (its output read back). */
async function modelStep(tf: Tf, spec: TfjsModelSpec, m: Loaded, optimizer: ReturnType<Tf['train']['sgd']> | null): Promise<void> {
  if (optimizer) {
    // The step's loss is read back; its weight update is queued behind it and finishes before the next step's work.
    const cost = optimizer.minimize(() => trainingLoss(tf, spec.network, m.x, m.target!, m.weights), true, m.trainable)!;
    await cost.data();
    cost.dispose();
  } else {
    const y = tf.tidy(() => forward(tf, spec.network, m.x, m.weights));
    await y.data();
    y.dispose();
  }
}

/** The engine's live tensors and bytes after the last window against those after the first (warm-up) window. */
function memoryGrowthNote(baseline: { numTensors: number; numBytes: number }, now: { numTensors: number; numBytes: number }): string {
  const tensors = now.numTensors - baseline.numTensors;
  const bytes = now.numBytes - baseline.numBytes;
  return tensors === 0 && bytes === 0
    ? 'memory: no growth (the same live tensors and bytes after warm-up and after the last window)'
    : `memory grew during the measurement: ${tensors} tensors, ${formatBytes(Math.abs(bytes))}${bytes < 0 ? ' less' : ''} (from ${baseline.numTensors} tensors, ${formatBytes(baseline.numBytes)})`;
}

/** Prepares the model on an engine. `aborted` is polled between iterations. */
export async function prepareModel(engine: LoadedEngine, spec: TfjsModelSpec, inputs: Inputs, aborted: () => boolean, notes: string[] = []): Promise<PreparedKernel> {
  await engine.activate();
  const tf = engine.tf;
  const m = upload(tf, spec, inputs);
  const optimizer = spec.scenario === 'train-step' ? tf.train.sgd(LEARNING_RATE) : null;
  const iterate = (): Promise<void> => modelStep(tf, spec, m, optimizer);
  let baseline: { numTensors: number; numBytes: number } | null = null;
  let disposed = false;
  return {
    engine: engine.name,
    // The network and scenario are the kernel; which engine ran it is the result's engine, so engines stay comparable.
    kernelIdentity: modelKernelIdentity(spec),
    timer: MODEL_TIMER,
    notes: [...engine.notes, ...notes],
    async runOnce() {
      await engine.activate();
      try {
        return concat(await verificationSegments(tf, spec, m));
      } catch (err) {
        throw asUnavailable(engine, err);
      }
    },
    async runWindow(request: WindowRequest): Promise<WindowTiming> {
      await engine.activate();
      const t = await roundtripWindow(request, iterate, aborted);
      // The first window (the warm-up's first slice) has made every cached program and buffer; later growth is a leak.
      if (!baseline) {
        const { numTensors, numBytes } = tf.memory();
        baseline = { numTensors, numBytes };
      }
      return t;
    },
    afterWindows() {
      return baseline ? [memoryGrowthNote(baseline, tf.memory())] : [];
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      optimizer?.dispose();
      m.all.forEach((t) => t.dispose());
    },
  };
}
