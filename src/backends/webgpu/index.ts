/**
 * The WebGPU backend: every adapter Dawn can open (NVIDIA, AMD, Intel, Apple
 * GPUs through Vulkan, Metal or D3D12, and software adapters such as Mesa's
 * lavapipe), as devices webgpu0, webgpu1, ...
 */
import { describeError } from '../../core/errors.js';
import type { Backend, DeviceInfo, Discovery, OpenOptions } from '../backend.js';
import { describeAdapter, gpuFor, listAdapters, loadDawn, type AdapterRef } from './dawn.js';
import { WebGpuSession } from './session.js';

const refs = new Map<string, AdapterRef>();

/** The Dawn adapter behind a discovered device (for tools that open the same adapter themselves). */
export function adapterRefOf(deviceId: string): AdapterRef | undefined {
  return refs.get(deviceId);
}

export const webgpuBackend: Backend = {
  id: 'webgpu',
  description: 'WGSL kernels on any GPU through WebGPU (Dawn), with device timestamps',
  async discover(): Promise<Discovery> {
    let dawn;
    try {
      dawn = await loadDawn();
    } catch (err) {
      return { available: false, reason: describeError(err), devices: [], notes: [] };
    }
    const adapters = await listAdapters(dawn);
    const devices: DeviceInfo[] = [];
    const notes: string[] = [];
    for (const ref of adapters) {
      try {
        const adapter = await gpuFor(dawn, ref).requestAdapter();
        if (!adapter) {
          notes.push(`adapter "${ref.name}" (${ref.backend}) listed but could not be opened`);
          continue;
        }
        const info = describeAdapter(devices.length, ref, adapter);
        refs.set(info.id, ref);
        devices.push(info);
      } catch (err) {
        notes.push(`adapter "${ref.name}" (${ref.backend}): ${describeError(err)}`);
      }
    }
    if (devices.length === 0) {
      const reason = adapters.length
        ? `no WebGPU adapter could be opened (${notes.join('; ')})`
        : 'no WebGPU adapter (no Vulkan/Metal/D3D12 driver found; on Linux install a Vulkan driver, e.g. Mesa’s mesa-vulkan-drivers)';
      return { available: false, reason, devices: [], notes };
    }
    notes.unshift(`${devices.length} adapter${devices.length > 1 ? 's' : ''}: ${devices.map((d) => `${d.id} ${d.name}`).join('; ')}`);
    return { available: true, devices, notes };
  },
  async open(device: DeviceInfo, options: OpenOptions) {
    const ref = refs.get(device.id);
    if (!ref) throw new Error(`unknown WebGPU device ${device.id}: discover first`);
    return WebGpuSession.open(await loadDawn(), ref, device, options.deviceTimer ?? true);
  },
};
