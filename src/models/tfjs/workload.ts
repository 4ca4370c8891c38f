/**
 * A model probe as a hosted workload (src/core/workload.ts), the same on
 * every backend: it says whether its engine can run on the device a session
 * lends it, refuses sizes over the device's buffer limits naming the limit,
 * and prepares the model on the engine.
 */
import { CapacityError, UnavailableError } from '../../core/errors.js';
import type { DeviceInfo } from '../../core/device.js';
import type { PreparedKernel } from '../../core/prepared.js';
import type { Inputs } from '../../core/probe.js';
import { formatBytes } from '../../core/units.js';
import type { WorkloadHost } from '../../core/workload.js';
import { largestTensors } from '../network.js';
import { modelKernelIdentity, type ModelWorkload, type TfjsModelSpec } from '../spec.js';
import { ENGINES, engineUnavailable, loadEngine } from './engines.js';

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

/** Throws a CapacityError when the largest tensor is over one of the device's per-buffer limits (bytes by limit name). */
export function checkModelCapacity(spec: TfjsModelSpec, bufferLimits: Readonly<Record<string, number>>): void {
  const bytes = largestTensorBytes(spec);
  for (const [limit, max] of Object.entries(bufferLimits)) {
    if (bytes > max) {
      throw new CapacityError(`its largest tensor needs ${formatBytes(bytes)}, more than the adapter's ${limit} of ${formatBytes(max)} (${max} bytes); use a smaller batch`, bytes, max, limit);
    }
  }
}

/** Loads the engine (on the host's GPU device, for WebGPU) and prepares the model on it. */
async function prepareModelOn(spec: TfjsModelSpec, host: WorkloadHost, inputs: Inputs): Promise<PreparedKernel> {
  const why = modelUnsupported(spec, host.device);
  if (why) throw new UnavailableError(why);
  const engine = await loadEngine(spec.engine as (typeof ENGINES)[number]['id'], host.webgpu);
  // The kernel module (and the histogram library under it) loads when a model is first prepared: listing probes needs none.
  const { prepareModel } = await import('./kernel.js');
  return prepareModel(engine, spec, inputs, host.aborted);
}

/** The model description as the workload every backend's session hosts. */
export function modelWorkload(spec: TfjsModelSpec): ModelWorkload {
  return {
    ...spec,
    kind: 'hosted',
    get identity() {
      return modelKernelIdentity(spec);
    },
    unsupportedOn: (host) => modelUnsupported(spec, host.device),
    checkCapacity: (host) => checkModelCapacity(spec, host.bufferLimits),
    prepare: (host, inputs) => prepareModelOn(spec, host, inputs),
  };
}
