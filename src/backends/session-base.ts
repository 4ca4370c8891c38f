/**
 * What every backend's session does the same way: take the probe's
 * implementation for its backend, say why it cannot run, check that it fits
 * and prepare it. A kernel description goes to the backend's own hooks; a
 * hosted workload (src/core/workload.ts) is lent the device and prepares
 * itself, so no backend imports the workloads it hosts.
 */
import { UnavailableError } from '../core/errors.js';
import { isUnsupported, type AnyProbe, type Inputs, type Params, type Unsupported } from '../core/probe.js';
import { isHosted, type HostedWorkload, type WorkloadHost } from '../core/workload.js';
import type { Capabilities, DeviceInfo, DeviceSession, PreparedKernel } from './backend.js';
import { checkHostMemory } from './capacity.js';

/** A session's base; `K` is the kernel description its backend interprets. */
export abstract class SessionBase<K extends object> implements DeviceSession {
  /** Set by abort(), reset when the next result is prepared; polled by running iterations. */
  protected abortRequested = false;

  abstract readonly device: DeviceInfo;
  abstract readonly capabilities: Capabilities;
  /** The backend's name in messages, e.g. "CPU". */
  protected abstract readonly backendName: string;

  /** The probe's implementation for this backend and device, or undefined when it has none. */
  protected abstract describe(probe: AnyProbe, params: Params): K | HostedWorkload | Unsupported | undefined;

  /** Throws a CapacityError when the kernel's buffers or the probe's host memory cannot fit; allocates nothing. */
  protected abstract checkKernelCapacity(spec: K, probe: AnyProbe, params: Params, availableBytes: number): void;

  /** Prepares a kernel description on the device with the probe's inputs. */
  protected abstract prepareKernel(spec: K, inputs: Inputs): Promise<PreparedKernel>;

  /** Why this device cannot run a kernel description the probe gave it, or null (default: it can). */
  protected kernelUnsupported(_spec: K): string | null {
    return null;
  }

  /** Makes the device ready before a result is prepared (a lost device reopened); default: nothing to do. */
  protected async beforePrepare(): Promise<void> {}

  /** What this session lends a hosted workload. */
  protected workloadHost(): WorkloadHost {
    return { device: this.device, capabilities: this.capabilities, bufferLimits: {}, aborted: () => this.abortRequested };
  }

  /** The implementation this device runs, or why it cannot. */
  protected spec(probe: AnyProbe, params: Params): K | HostedWorkload | string {
    const spec = this.describe(probe, params);
    if (spec === undefined) return `probe ${probe.id} has no ${this.backendName} implementation`;
    if (isUnsupported(spec)) return spec.unsupported;
    if (isHosted(spec)) return spec.unsupportedOn(this.workloadHost()) ?? spec;
    return this.kernelUnsupported(spec) ?? spec;
  }

  unsupported(probe: AnyProbe, params: Params): string | null {
    const spec = this.spec(probe, params);
    return typeof spec === 'string' ? spec : null;
  }

  checkCapacity(probe: AnyProbe, params: Params, availableBytes: number): void {
    const spec = this.spec(probe, params);
    if (typeof spec === 'string') return;
    if (!isHosted(spec)) return this.checkKernelCapacity(spec, probe, params, availableBytes);
    // A hosted workload allocates its own device memory; it checks the device's buffer limits, the session the host side.
    spec.checkCapacity(this.workloadHost());
    checkHostMemory(probe, params, availableBytes);
  }

  async prepare(probe: AnyProbe, params: Params, inputs: Inputs): Promise<PreparedKernel> {
    const spec = this.spec(probe, params);
    if (typeof spec === 'string') throw new UnavailableError(spec);
    await this.beforePrepare();
    this.abortRequested = false;
    return isHosted(spec) ? spec.prepare(this.workloadHost(), inputs) : this.prepareKernel(spec, inputs);
  }

  abort(): void {
    this.abortRequested = true;
  }

  abstract close(): Promise<void>;
}
