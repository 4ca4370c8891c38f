/**
 * Model probes: a network (network.ts) measured in MLPerf's scenarios and a
 * training step, on every TensorFlow.js engine of each backend. This turns a
 * network builder and its preset sizes into a standard probe definition, so
 * model probes go through the same runner, telemetry, report and compare as
 * every other probe. Work per iteration: `samples` (the headline) and FLOP
 * counted from the layer shapes.
 */
import { defineProbe, PRESET_IDS, type AnyProbe, type Inputs, type ParamSpec, type ParamValue, type Params, type PresetId, type Reference } from '../core/probe.js';
import { Rng } from '../core/random.js';
import type { BackendId } from '../core/device.js';
import { activationElements, elementsOf, networkFlop, networkOutput, networkWeights, productDepths, trainFlop, type Network } from './network.js';
import { SCENARIOS, VERIFY_BATCH, type ModelWorkload, type Scenario, type TfjsModelSpec } from './spec.js';
import { modelWorkload } from './tfjs/workload.js';
import { ENGINE_IDS, ENGINES, REFERENCE_ENGINE, engineInfo, engineUnavailable, loadEngine, type EngineId } from './tfjs/engines.js';

/** The parameters every model probe has. */
export interface ModelParams extends Params {
  scenario: Scenario;
  engine: string;
  batch: number;
}

export interface ModelProbeOptions {
  id: string;
  /** The probe's definition version (WorkloadDeclaration.version): raised when its network or what it counts changes. */
  version: number;
  description: string;
  /** The model's own size parameters (besides scenario, engine and batch). */
  params: Record<string, ParamSpec>;
  /** Per preset: the sizes, and the batch of the offline and train-step scenarios. */
  presets: Record<PresetId, Record<string, readonly ParamValue[]> & { batch: readonly number[] }>;
  network(params: ModelParams): Network;
}

const BACKENDS: readonly BackendId[] = ['cpu', 'webgpu', 'cuda'];

/** The model description every backend hosts (see modelWorkload). */
export function modelSpec(opts: Pick<ModelProbeOptions, 'network'>, params: ModelParams): TfjsModelSpec {
  return {
    engine: params.engine,
    network: opts.network(params),
    scenario: params.scenario,
    batch: params.batch,
    verifyBatch: Math.min(VERIFY_BATCH, params.batch),
  };
}

/** Seeded weights (each in its layer's range), inputs in [-1, 1), and training targets in [-1, 1). */
function modelInputs(net: Network, seed: number, { batch, scenario }: ModelParams): Inputs {
  const rng = new Rng(seed);
  const inputs: Inputs = {};
  for (const w of networkWeights(net)) inputs[w.name] = rng.fill(new Float32Array(elementsOf(w.shape)), ...w.range);
  inputs.x = rng.fill(new Float32Array(batch * elementsOf(net.input)), -1, 1);
  if (scenario === 'train-step') inputs.target = rng.fill(new Float32Array(batch * elementsOf(networkOutput(net))), -1, 1);
  return inputs;
}

/**
 * Relative tolerance against the reference engine. Two float32 engines differ
 * by their summation orders: about u·√K per length-K dot product (the
 * probabilistic bound; the worst case u·K is far too loose to catch anything),
 * summed along the chain of products, with a factor 16 of margin. TF32 rounds
 * products' inputs to 11 bits (u = 2⁻¹¹). Gradients go through every product
 * twice more (×4). The floor covers engines' own exp/erf/rsqrt approximations.
 */
function modelTolerance(net: Network, params: ModelParams): number {
  const u = engineInfo(params.engine).precision === 'tf32' ? 2 ** -11 : 2 ** -24;
  const chain = productDepths(net).reduce((s, k) => s + Math.sqrt(k), 0);
  const forward = Math.max(1e-4, 16 * u * chain);
  return params.scenario === 'train-step' ? 4 * forward : forward;
}

/** References of the last few workloads: every engine of a run is checked against the same one, computed once. */
const references = new Map<string, Promise<Reference>>();
/** Enough for one workload's scenarios on every engine in a row. */
const REFERENCES_KEPT = 4;

function cachedReference(spec: TfjsModelSpec, inputs: Inputs): Promise<Reference> {
  const { engine: _engine, ...workload } = spec;
  // The inputs are seeded: the workload and a fingerprint of the inputs identify them.
  const fingerprint = Array.from(inputs.x!.subarray(0, 16)).join();
  const key = JSON.stringify({ workload, fingerprint });
  let ref = references.get(key);
  if (!ref) {
    // The kernel module (and the histogram library under it) loads when a reference is first needed: listing probes needs none.
    ref = Promise.all([loadEngine(REFERENCE_ENGINE), import('./tfjs/kernel.js')]).then(([engine, { modelReference }]) => modelReference(engine, spec, inputs));
    ref.catch(() => references.delete(key));
    references.set(key, ref);
    while (references.size > REFERENCES_KEPT) references.delete(references.keys().next().value!);
  }
  return ref;
}

export function defineModelProbe(opts: ModelProbeOptions): AnyProbe {
  const grid = (preset: PresetId, engines: readonly string[]): Record<string, readonly ParamValue[]> => {
    const { batch, ...sizes } = opts.presets[preset];
    return { scenario: SCENARIOS, engine: engines, batch, ...sizes };
  };
  const gridsFor = (engines: readonly string[]): Record<PresetId, Record<string, readonly ParamValue[]>> =>
    Object.fromEntries(PRESET_IDS.map((p) => [p, grid(p, p === 'quick' ? engines : engines.filter((e) => e !== REFERENCE_ENGINE))])) as Record<
      PresetId,
      Record<string, readonly ParamValue[]>
    >;
  const spec = (params: ModelParams): TfjsModelSpec => modelSpec(opts, params);
  const workload = (params: ModelParams): ModelWorkload => modelWorkload(spec(params));
  return defineProbe<ModelParams>({
    id: opts.id,
    definition: {
      version: opts.version,
      work: 'samples = batch; flop = batch · F, F per sample from the layer shapes: single-stream and offline the forward products (F = forward), train-step 3 · forward less the input gradients nothing needs',
      reference: `the ${REFERENCE_ENGINE} engine on the first min(batch, ${VERIFY_BATCH}) samples with the same weights: the output (alone and within the batch), or for train-step the loss and sampled gradients, each segment scaled by its largest magnitude`,
    },
    description: opts.description,
    headline: 'samples',
    latencyHeadline: 'p90',
    params: {
      scenario: { description: 'single-stream (batch 1, latency per query), offline (a large batch, samples per second) or train-step (forward, backward, SGD update)', values: SCENARIOS },
      engine: { description: `TensorFlow.js engine: ${ENGINES.map((e) => `${e.id} (${e.backend})`).join(', ')}`, values: ENGINE_IDS, execution: true },
      batch: { description: 'samples per iteration in offline and train-step (single-stream is always 1)', integer: { min: 1, max: 65536 } },
      ...opts.params,
    },
    presets: gridsFor(ENGINE_IDS) as never,
    backendPresets: Object.fromEntries(BACKENDS.map((b) => [b, gridsFor(ENGINES.filter((e) => e.backend === b).map((e) => e.id))])) as never,
    normalize: (params) => (params.scenario === 'single-stream' ? { ...params, batch: 1 } : params),
    appliesTo: (params, backend) => engineInfo(params.engine).backend === backend,
    unavailable: (params) => engineUnavailable(params.engine as EngineId),
    work: (params) => {
      const net = opts.network(params);
      const perSample = params.scenario === 'train-step' ? trainFlop(net) : networkFlop(net);
      return { flop: perSample * params.batch, samples: params.batch };
    },
    // float32 weights, the batch (and targets), the activations (kept for the backward pass in training), the reference.
    memoryBytes: (params) => {
      const net = opts.network(params);
      const weights = networkWeights(net).reduce((s, w) => s + elementsOf(w.shape), 0);
      const io = params.batch * (elementsOf(net.input) + elementsOf(networkOutput(net)));
      const activations = params.batch * activationElements(net) * (params.scenario === 'train-step' ? 2 : 1);
      return 4 * (weights * (params.scenario === 'train-step' ? 2 : 1) + io + activations);
    },
    inputs: (seed, params) => modelInputs(opts.network(params), seed, params),
    // The reference engine's output on the fixed batch (see tfjs/kernel.ts).
    reference: (inputs, params) => cachedReference(spec(params), inputs),
    tolerance: (params) => modelTolerance(opts.network(params), params),
    impl: { cpu: workload, webgpu: workload, cuda: workload },
  });
}
