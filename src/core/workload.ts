/**
 * The seam for work that flopmeter hosts but does not write: a framework's
 * model (TensorFlow.js, src/models) now, an external program in the same
 * shape. A probe's implementation for a backend is either a kernel description
 * the backend interprets (./kernel.ts) or a HostedWorkload, which the backend's
 * session does not interpret: it lends the workload its device (a
 * WorkloadHost) and the workload prepares and runs itself on it. Backends
 * accept hosted workloads through this interface and import none of them.
 */
import type { Capabilities, DeviceInfo } from './device.js';
import type { PreparedKernel } from './prepared.js';
import type { Inputs } from './probe.js';

/** A WebGPU device a session opened, lent to a framework that runs on it (TensorFlow.js' WebGPU backend). */
export interface WebGpuDeviceHandle {
  /** The GPU instance the device came from (frameworks may require navigator.gpu to exist). */
  instance: GPU;
  device: GPUDevice;
  info: GPUAdapterInfo;
  /** WebGPU constants (GPUBufferUsage, ...) that a framework may expect as globals. */
  globals: Record<string, unknown>;
  /** Identifies this opening of the device, so that a reopened or different device re-binds the framework. */
  key: string;
}

/** What a device session lends a hosted workload. */
export interface WorkloadHost {
  readonly device: DeviceInfo;
  readonly capabilities: Capabilities;
  /**
   * The device's limits on any one buffer, bytes by limit name, in the order
   * they are checked (WebGPU: maxStorageBufferBindingSize, maxBufferSize);
   * empty where only the device's memory limits a buffer.
   */
  readonly bufferLimits: Readonly<Record<string, number>>;
  /** True once the run asked the session to stop (or the device was lost): polled between iterations. */
  aborted(): boolean;
  /** The session's open WebGPU device, on the WebGPU backend only; when preparing, a live one (a lost device is reopened first). */
  readonly webgpu?: WebGpuDeviceHandle;
}

/**
 * Work that flopmeter runs and measures but does not write, on a device a
 * session lends it. The session still owns everything around it: whether the
 * probe has an implementation for its backend, the probe's host memory
 * (`memoryBytes`, checked after `checkCapacity`), resetting and forwarding
 * interruptions, reopening a lost device.
 *
 * What it reports, and where:
 * - work units: the probe's `work(params)` per iteration, as for every probe
 *   (a model: samples and FLOP per batch);
 * - engine: the prepared work's `engine` (e.g. "tfjs-wasm (TensorFlow.js
 *   4.22.0, ...)"), and `identity` in the definition hash instead of a kernel
 *   source;
 * - verification: `runOnce()` of the prepared work, checked by the runner
 *   against the probe's reference (a model: the reference engine's output).
 *
 * An external command (`flopmeter measure -- CMD`) fits the same shape:
 * `identity` is its workload name@version and command line; `unsupportedOn`
 * says when the host's device is not one the command may use (`--device`);
 * `checkCapacity` has nothing to check (the program allocates its own
 * memory); `prepare` starts the child, with `engine` its command line, and
 * `runWindow` returns a window's reported work as its iterations (one unit
 * of work per iteration, the probe's `work()` counting one `--work-unit`) and
 * the reported latencies as its histogram, polling `aborted()` to forward an
 * interruption. Its `runOnce()` has no output flopmeter can check: a probe
 * for it would have to declare its result unchecked ("external: not checked
 * by flopmeter"), which the runner does not yet support.
 */
export interface HostedWorkload {
  readonly kind: 'hosted';
  /**
   * Text identifying what runs, hashed into the result's definition hash: the
   * prepared work's `kernelIdentity`, known without preparing it. Leaves out
   * what may differ between comparable results (which engine runs a model).
   */
  readonly identity: string;
  /** Why it cannot run on the host's device, or null when it can (not `unsupported`, which marks a probe's refusal: core/probe.ts). */
  unsupportedOn(host: WorkloadHost): string | null;
  /** Throws a CapacityError when it cannot fit the host's device (its buffer limits); allocates nothing. */
  checkCapacity(host: WorkloadHost): void;
  /** Prepares the work on the host's device with the probe's inputs; throws an UnavailableError when it cannot run there. */
  prepare(host: WorkloadHost, inputs: Inputs): Promise<PreparedKernel>;
}

/** Whether a probe's implementation for a backend is a hosted workload rather than a kernel description. */
export function isHosted(spec: unknown): spec is HostedWorkload {
  return typeof spec === 'object' && spec !== null && (spec as { kind?: unknown }).kind === 'hosted';
}
