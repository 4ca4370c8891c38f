/**
 * What a result will cost in time, before it runs: the estimates the budget
 * planner (budget.ts) shares a run's time by. Rough on purpose — rates per
 * kind of engine, from the work a probe declares — because the run corrects
 * itself: every result's time cap is set when it starts from the time then
 * left, and a result whose first iteration is far slower than estimated is
 * stopped before it eats the budget (runner.ts, `maxIterationSeconds`).
 */
import type { DeviceInfo } from '../backends/backend.js';
import type { AnyProbe, Params } from '../core/probe.js';
import type { Work } from '../core/units.js';
import { REFERENCE_ENGINE } from '../models/tfjs/engines.js';

/** Rates of one kind of engine. */
interface Rates {
  /** FLOP/s it sustains on ordinary kernels. */
  flopPerSecond: number;
  /** byte/s it moves through memory. */
  bytesPerSecond: number;
  /** Seconds an iteration costs however small (a launch, a dispatch, a thread hand-off). */
  floorSeconds: number;
  /** Seconds to prepare a kernel on it (compile, allocate, hand to the threads). */
  prepareSeconds: number;
}

/**
 * Rates per kind of engine. Measured on the 2-core CI VM (quick preset, 2 worker threads) and rounded down, so that
 * estimates err long: the WebAssembly kernels reached 40–90 GFLOP/s and 15–25 GB/s, lavapipe a tenth of that with
 * ~1 ms per dispatch; hardware GPUs are set far below any current one's rates, which still makes their
 * iterations short next to any window.
 */
const RATES: Record<'cpu' | 'software-gpu' | 'gpu', Rates> = {
  cpu: { flopPerSecond: 20e9, bytesPerSecond: 8e9, floorSeconds: 50e-6, prepareSeconds: 0.2 },
  'software-gpu': { flopPerSecond: 2e9, bytesPerSecond: 1e9, floorSeconds: 2e-3, prepareSeconds: 0.5 },
  gpu: { flopPerSecond: 1e12, bytesPerSecond: 1e11, floorSeconds: 50e-6, prepareSeconds: 0.5 },
};

/**
 * TensorFlow.js engines' model throughput, FLOP/s, on a CPU or a software adapter (a hardware GPU's engines use
 * RATES.gpu). From the quick preset's model results on the CI VM: tfjs-cpu ≈ 0.5 GFLOP/s (plain JavaScript),
 * tfjs-wasm 2–6, tfjs-node ~10, tfjs-webgpu on lavapipe ≈ 0.3; rounded down.
 */
const MODEL_FLOP_PER_SECOND: Record<string, number> = { 'tfjs-cpu': 0.3e9, 'tfjs-wasm': 1.5e9, 'tfjs-node': 5e9, 'tfjs-webgpu': 0.2e9 };
/** A model's fixed cost besides its reference: loading the engine, building the network, the first (traced) run; ~2 s on the CI VM. */
const MODEL_SETUP_SECONDS = 3;
/** The float64 reference and the seeded inputs are computed in JavaScript: ~0.5 GFLOP/s and ~0.3 GB/s of inputs on the CI VM. */
const HOST_REFERENCE_FLOP_PER_SECOND = 0.5e9;
const HOST_INPUT_BYTES_PER_SECOND = 0.3e9;

export interface CostEstimate {
  /** Seconds before measuring: inputs, reference, prepare, one verifying iteration, the warm-up. */
  fixedSeconds: number;
  /** Seconds of one iteration. */
  iterationSeconds: number;
}

function ratesOf(device: Pick<DeviceInfo, 'kind' | 'backend' | 'identity'>): Rates {
  if (device.backend === 'cpu') return RATES.cpu;
  return device.identity.software || device.kind !== 'gpu' ? RATES['software-gpu'] : RATES.gpu;
}

function kernelSeconds(work: Work, r: Rates): number {
  return Math.max(r.floorSeconds, (work.flop ?? 0) / r.flopPerSecond, (work.bytes ?? 0) / r.bytesPerSecond);
}

function modelSeconds(flop: number, engine: string, device: Pick<DeviceInfo, 'kind' | 'backend' | 'identity'>): number {
  const hardware = device.backend !== 'cpu' && ratesOf(device) === RATES.gpu;
  return Math.max(RATES.cpu.floorSeconds, flop / (hardware ? RATES.gpu.flopPerSecond : (MODEL_FLOP_PER_SECOND[engine] ?? RATES['software-gpu'].flopPerSecond)));
}

/**
 * The cost of measuring `probe` with `params` on `device`, given the warm-up's least length (seconds) and the
 * iterations the verification batch of a model probe is worth (its batch ÷ the verification batch).
 */
export function estimateCost(probe: AnyProbe, params: Params, device: Pick<DeviceInfo, 'kind' | 'backend' | 'identity'>, warmupSeconds: number): CostEstimate {
  const work = probe.work(params);
  const inputs = probe.memoryBytes(params) / HOST_INPUT_BYTES_PER_SECOND;
  if (typeof params.engine === 'string') {
    const flop = work.flop ?? 0;
    const iterationSeconds = modelSeconds(flop, params.engine, device);
    // The reference runs at most the whole batch on the reference engine.
    const reference = flop / (MODEL_FLOP_PER_SECOND[REFERENCE_ENGINE] ?? 1);
    return { iterationSeconds, fixedSeconds: MODEL_SETUP_SECONDS + inputs + reference + Math.max(warmupSeconds, 2 * iterationSeconds) };
  }
  const rates = ratesOf(device);
  const iterationSeconds = kernelSeconds(work, rates);
  const reference = (work.flop ?? 0) / HOST_REFERENCE_FLOP_PER_SECOND;
  return { iterationSeconds, fixedSeconds: rates.prepareSeconds + inputs + reference + iterationSeconds + Math.max(warmupSeconds, 2 * iterationSeconds) };
}
