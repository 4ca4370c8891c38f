/**
 * An open WebGPU device: the adapter's device created with the adapter's own
 * limits and the features probes use, watched for loss. A lost device is
 * reopened for the next result; the result that was running is errored.
 */
import os from 'node:os';
import { CapacityError, DeviceLostError, FlopmeterError, UnavailableError } from '../../core/errors.js';
import { GPU_DTYPE_BYTES, type WebGpuBuildContext, type WebGpuKernelSpec } from '../../core/kernel.js';
import type { AnyProbe, Inputs, Params, Unsupported } from '../../core/probe.js';
import type { HostedWorkload, WorkloadHost } from '../../core/workload.js';
import { formatBytes } from '../../core/units.js';
import type { Capabilities, DeviceInfo, PreparedKernel } from '../backend.js';
import { gpuFor, REQUESTED_LIMITS, WANTED_FEATURES, type AdapterRef, type DawnModule } from './dawn.js';
import { bufferBytes } from './buffers.js';
import { prepareWgsl, TIMERS, type KernelHost } from './kernel.js';
import { shaderModuleText } from './shaders.js';
import { checkHostMemory } from '../capacity.js';
import { SessionBase } from '../session-base.js';

interface Opened {
  gpu: GPU;
  device: GPUDevice;
  info: GPUAdapterInfo;
  /** Counts openings, so that a reopened device is told apart from the lost one. */
  serial: number;
  features: string[];
  limits: Record<string, number>;
}

let openings = 0;

/** The adapter limits that bound any one buffer a probe (or a hosted framework) allocates. */
const BUFFER_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize'] as const;

async function openDevice(dawn: DawnModule, ref: AdapterRef, deviceTimer: boolean): Promise<Opened> {
  const gpu = gpuFor(dawn, ref);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new UnavailableError(`adapter "${ref.name}" is gone`);
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f) && (deviceTimer || f !== 'timestamp-query'));
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) requiredLimits[name] = Number(adapter.limits[name]);
  const device = await adapter.requestDevice({ requiredFeatures: features as GPUFeatureName[], requiredLimits, label: 'flopmeter' });
  return { gpu, device, info: adapter.info, serial: ++openings, features: [...features], limits: requiredLimits };
}

export class WebGpuSession extends SessionBase<WebGpuKernelSpec> {
  protected readonly backendName = 'WebGPU';
  private opened: Opened | null;
  private lost: string | null = null;

  private constructor(
    readonly device: DeviceInfo,
    readonly capabilities: Capabilities,
    private readonly dawn: DawnModule,
    private readonly ref: AdapterRef,
    private readonly deviceTimer: boolean,
    opened: Opened,
  ) {
    super();
    this.opened = opened;
    this.watch(opened.device);
  }

  static async open(dawn: DawnModule, ref: AdapterRef, info: DeviceInfo, deviceTimer = true): Promise<WebGpuSession> {
    const opened = await openDevice(dawn, ref, deviceTimer);
    const capabilities: Capabilities = {
      maxAllocationBytes: opened.limits.maxBufferSize ?? 0,
      memoryBytes: info.identity.software ? os.totalmem() : null,
      timer: opened.features.includes('timestamp-query') ? TIMERS.device : TIMERS.host,
      features: opened.features,
    };
    return new WebGpuSession(info, capabilities, dawn, ref, deviceTimer, opened);
  }

  private watch(device: GPUDevice): void {
    void device.lost.then((info) => {
      if (this.opened?.device === device && info.reason !== 'destroyed') this.lost = `device lost (${info.reason}): ${info.message}`;
      else if (this.opened?.device === device && this.lost === null) this.lost = `device lost: ${info.message || 'destroyed'}`;
    });
  }

  private get ctx(): WebGpuBuildContext {
    return { features: this.capabilities.features, limits: this.opened?.limits ?? {}, software: Boolean(this.device.identity.software) };
  }

  protected describe(probe: AnyProbe, params: Params): WebGpuKernelSpec | HostedWorkload | Unsupported | undefined {
    return probe.impl.webgpu?.(params, this.ctx);
  }

  protected override kernelUnsupported(spec: WebGpuKernelSpec): string | null {
    const missing = (spec.features ?? []).filter((f) => !this.capabilities.features.includes(f));
    return missing.length ? `the adapter lacks ${missing.join(', ')}` : null;
  }

  /** The limits the device was opened with (the adapter's as discovered while it is closed). */
  private get limits(): Record<string, number> {
    return this.opened?.limits ?? this.device.limits;
  }

  /** The adapter's limits on one buffer, in the order they are checked. */
  private bufferLimits(): Record<string, number> {
    const limits = this.limits;
    const out: Record<string, number> = {};
    for (const name of BUFFER_LIMITS) if (limits[name] !== undefined) out[name] = limits[name];
    return out;
  }

  protected override workloadHost(): WorkloadHost {
    const opened = this.opened;
    return {
      ...super.workloadHost(),
      bufferLimits: this.bufferLimits(),
      aborted: () => this.abortRequested || this.lost !== null,
      webgpu: opened ? { instance: opened.gpu, device: opened.device, info: opened.info, globals: this.dawn.globals, key: `${this.device.id}/${opened.serial}` } : undefined,
    };
  }

  protected checkKernelCapacity(spec: WebGpuKernelSpec, probe: AnyProbe, params: Params, availableBytes: number): void {
    const bufferLimits = Object.entries(this.bufferLimits());
    for (const b of spec.buffers) {
      const bytes = bufferBytes(b);
      for (const [limit, max] of bufferLimits) {
        if (bytes > max) {
          throw new CapacityError(
            `buffer ${b.name} (${b.length} × ${b.dtype}) needs ${formatBytes(bytes)}, more than the adapter's ${limit} of ${formatBytes(max)} (${max} bytes)`,
            bytes,
            max,
            limit,
          );
        }
      }
    }
    const maxGroups = this.limits.maxComputeWorkgroupsPerDimension;
    for (const step of spec.steps) {
      for (const w of step.workgroups) {
        if (maxGroups !== undefined && w > maxGroups) {
          throw new CapacityError(`step ${step.entry} dispatches ${w} workgroups in one dimension, more than the adapter's maxComputeWorkgroupsPerDimension of ${maxGroups}`, w, maxGroups, 'maxComputeWorkgroupsPerDimension');
        }
      }
    }
    checkHostMemory(probe, params, availableBytes, ' for inputs and reference');
    void GPU_DTYPE_BYTES;
  }

  /** The device, reopened if it was lost since the last result. */
  private async live(): Promise<Opened> {
    if (this.lost !== null || !this.opened) {
      this.opened?.device.destroy();
      this.opened = null;
      this.lost = null;
      this.opened = await openDevice(this.dawn, this.ref, this.deviceTimer);
      this.watch(this.opened.device);
    }
    return this.opened;
  }

  protected override async beforePrepare(): Promise<void> {
    await this.live();
  }

  protected async prepareKernel(spec: WebGpuKernelSpec, inputs: Inputs): Promise<PreparedKernel> {
    const opened = await this.live();
    const host: KernelHost = {
      device: opened.device,
      constants: this.dawn.globals as KernelHost['constants'],
      hasTimestamps: opened.features.includes('timestamp-query'),
      aborted: () => this.abortRequested,
      lostReason: () => this.lost,
    };
    try {
      return await prepareWgsl(host, spec, inputs, `wgsl on Dawn/${this.ref.backend}`, shaderModuleText(spec));
    } catch (err) {
      if (this.lost) throw new DeviceLostError(this.lost);
      throw err instanceof Error ? err : new FlopmeterError(String(err));
    }
  }

  /** For tests and for the CLI's interruption: the device's own handle. */
  get gpuDevice(): GPUDevice | null {
    return this.opened?.device ?? null;
  }

  async close(): Promise<void> {
    this.opened?.device.destroy();
    // Dropping the GPU instance lets Node.js exit (Dawn keeps the process alive while one is referenced).
    this.opened = null;
  }
}
