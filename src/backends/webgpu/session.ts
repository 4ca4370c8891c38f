/**
 * An open WebGPU device: the adapter's device created with the adapter's own
 * limits and the features probes use, watched for loss. A lost device is
 * reopened for the next result; the result that was running is errored.
 */
import os from 'node:os';
import { CapacityError, DeviceLostError, FlopmeterError, UnavailableError } from '../../core/errors.js';
import { GPU_DTYPE_BYTES, type WebGpuBuildContext, type WebGpuKernelSpec } from '../../core/kernel.js';
import { isUnsupported, type AnyProbe, type Inputs, type Params } from '../../core/probe.js';
import { formatBytes } from '../../core/units.js';
import type { Capabilities, DeviceInfo, DeviceSession, PreparedKernel } from '../backend.js';
import { gpuFor, REQUESTED_LIMITS, WANTED_FEATURES, type AdapterRef, type DawnModule } from './dawn.js';
import { bufferBytes } from './buffers.js';
import { prepareWgsl, TIMERS, type KernelHost } from './kernel.js';
import { shaderModuleText } from './shaders.js';
import { checkHostMemory } from '../capacity.js';
import type { TfjsModelSpec } from '../../models/spec.js';
import { checkModelCapacity, modelUnsupported, prepareModelOn } from '../../models/tfjs/session.js';

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

export class WebGpuSession implements DeviceSession {
  private opened: Opened | null;
  private lost: string | null = null;
  private abortRequested = false;

  private constructor(
    readonly device: DeviceInfo,
    readonly capabilities: Capabilities,
    private readonly dawn: DawnModule,
    private readonly ref: AdapterRef,
    private readonly deviceTimer: boolean,
    opened: Opened,
  ) {
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

  private spec(probe: AnyProbe, params: Params): WebGpuKernelSpec | TfjsModelSpec | string {
    if (!probe.impl.webgpu) return `probe ${probe.id} has no WebGPU implementation`;
    const spec = probe.impl.webgpu(params, this.ctx);
    if (isUnsupported(spec)) return spec.unsupported;
    if (spec.kind === 'tfjs') return modelUnsupported(spec, this.device) ?? spec;
    const missing = (spec.features ?? []).filter((f) => !this.capabilities.features.includes(f));
    if (missing.length) return `the adapter lacks ${missing.join(', ')}`;
    return spec;
  }

  unsupported(probe: AnyProbe, params: Params): string | null {
    const spec = this.spec(probe, params);
    return typeof spec === 'string' ? spec : null;
  }

  checkCapacity(probe: AnyProbe, params: Params, availableBytes: number): void {
    const spec = this.spec(probe, params);
    if (typeof spec === 'string') return;
    const limits = this.opened?.limits ?? this.device.limits;
    if (spec.kind === 'tfjs') return checkModelCapacity(spec, limits, ['maxStorageBufferBindingSize', 'maxBufferSize'], probe, params, availableBytes);
    for (const b of spec.buffers) {
      const bytes = bufferBytes(b);
      for (const limit of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
        const max = limits[limit];
        if (max !== undefined && bytes > max) {
          throw new CapacityError(
            `buffer ${b.name} (${b.length} × ${b.dtype}) needs ${formatBytes(bytes)}, more than the adapter's ${limit} of ${formatBytes(max)} (${max} bytes)`,
            bytes,
            max,
            limit,
          );
        }
      }
    }
    const maxGroups = limits.maxComputeWorkgroupsPerDimension;
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

  async prepare(probe: AnyProbe, params: Params, inputs: Inputs): Promise<PreparedKernel> {
    const spec = this.spec(probe, params);
    if (typeof spec === 'string') throw new UnavailableError(spec);
    const opened = await this.live();
    this.abortRequested = false;
    if (spec.kind === 'tfjs') {
      const gpu = { instance: opened.gpu, device: opened.device, info: opened.info, globals: this.dawn.globals, key: `${this.device.id}/${opened.serial}` };
      return prepareModelOn(spec, this.device, inputs, () => this.abortRequested || this.lost !== null, gpu);
    }
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

  abort(): void {
    this.abortRequested = true;
  }

  async close(): Promise<void> {
    this.opened?.device.destroy();
    // Dropping the GPU instance lets Node.js exit (Dawn keeps the process alive while one is referenced).
    this.opened = null;
  }
}
