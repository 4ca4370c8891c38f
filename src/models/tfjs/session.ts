/**
 * What every backend's session does with a model probe: say whether its
 * engine can run on this device, refuse sizes over the device's limits
 * naming the limit, and prepare the model on the engine.
 */
import { CapacityError, UnavailableError } from '../../core/errors.js';
import type { AnyProbe, Inputs, Params } from '../../core/probe.js';
import { formatBytes } from '../../core/units.js';
import type { DeviceInfo, PreparedKernel } from '../../backends/backend.js';
import { largestTensors } from '../network.js';
import { checkHostMemory } from '../../backends/capacity.js';
import type { TfjsModelSpec } from '../spec.js';
import { ENGINES, engineUnavailable, loadEngine, type GpuHost } from './engines.js';
import { prepareModel } from './kernel.js';

/** Why this device cannot run the model on its engine, or null when it can. */
export function modelUnsupported(spec: TfjsModelSpec, device: DeviceInfo): string | null {
  const info = ENGINES.find((e) => e.id === spec.engine);
  if (!info) return `unknown engine ${spec.engine}`;
  if (info.backend !== device.backend) return `${info.id} runs on the ${info.backend} backend, not ${device.backend}`;
  // TensorFlow places work on its first visible GPU; flopmeter never moves it.
  if (info.id === 'tfjs-node-gpu' && device.id !== 'cuda0') return `tfjs-node-gpu runs on TensorFlow's first GPU; to measure ${device.id}, make it the only visible one (CUDA_VISIBLE_DEVICES)`;
  return engineUnavailable(info.id);
}

/** Bytes of the largest single tensor an iteration makes or holds (float32). */
export function largestTensorBytes(spec: TfjsModelSpec): number {
  const { activationPerSample, weight } = largestTensors(spec.network);
  return 4 * Math.max(activationPerSample * spec.batch, weight);
}

/**
 * Throws a CapacityError when the largest tensor is over one of the device's
 * per-buffer limits, or the probe's host memory over what is available.
 */
export function checkModelCapacity(spec: TfjsModelSpec, limits: Readonly<Record<string, number>>, bufferLimits: readonly string[], probe: AnyProbe, params: Params, availableBytes: number): void {
  const bytes = largestTensorBytes(spec);
  for (const limit of bufferLimits) {
    const max = limits[limit];
    if (max !== undefined && bytes > max) {
      throw new CapacityError(`its largest tensor needs ${formatBytes(bytes)}, more than the adapter's ${limit} of ${formatBytes(max)} (${max} bytes); use a smaller batch`, bytes, max, limit);
    }
  }
  checkHostMemory(probe, params, availableBytes);
}

/** Loads the engine (on the session's GPU device, for WebGPU) and prepares the model on it. */
export async function prepareModelOn(spec: TfjsModelSpec, device: DeviceInfo, inputs: Inputs, aborted: () => boolean, gpu?: GpuHost): Promise<PreparedKernel> {
  const why = modelUnsupported(spec, device);
  if (why) throw new UnavailableError(why);
  const engine = await loadEngine(spec.engine as (typeof ENGINES)[number]['id'], gpu);
  return prepareModel(engine, spec, inputs, aborted);
}
