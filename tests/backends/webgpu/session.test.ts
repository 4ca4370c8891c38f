import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuBackend } from '../../../src/backends/webgpu/index.js';
import { parseAdapterList } from '../../../src/backends/webgpu/dawn.js';
import { bufferBytes, fromGpuBytes, toGpuBytes } from '../../../src/backends/webgpu/buffers.js';
import type { DeviceInfo, DeviceSession } from '../../../src/backends/backend.js';
import { CapacityError, DeviceLostError } from '../../../src/core/errors.js';
import { LatencyHistogram } from '../../../src/core/histogram.js';
import type { WebGpuSession } from '../../../src/backends/webgpu/session.js';
import stream from '../../../probes/stream.js';
import fma from '../../../probes/fma-peak.js';
import { requireComponent } from '../../helpers.js';

let devices: DeviceInfo[] = [];
let why = '';
beforeAll(async () => {
  const d = await webgpuBackend.discover();
  devices = d.devices;
  why = d.available ? '' : d.reason;
});

describe('Dawn adapter list', () => {
  it('parses the list Dawn prints for an unknown adapter name', () => {
    const msg = "Error: no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3'\n * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'\n";
    expect(parseAdapterList(msg)).toEqual([
      { backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3' },
      { backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
    ]);
    expect(parseAdapterList('nothing here')).toEqual([]);
  });
});

describe('buffer conversions', () => {
  it('rounds 16-byte multiples and converts float16 both ways', () => {
    expect(bufferBytes({ name: 'x', dtype: 'f16', length: 3 })).toBe(16);
    const bytes = toGpuBytes([1.5, -0.25, 65504], 'f16');
    expect(bytes.byteLength).toBe(6);
    expect([...fromGpuBytes(bytes.slice().buffer, 'f16', 3)]).toEqual([1.5, -0.25, 65504]);
    expect([...fromGpuBytes(toGpuBytes([7, 8], 'u32').slice().buffer, 'u32', 2)]).toEqual([7, 8]);
  });
});

describe('the WebGPU backend on a real adapter', () => {
  let session: DeviceSession | null = null;
  beforeAll(async () => {
    if (devices[0]) session = await webgpuBackend.open(devices[0], {});
  });
  afterAll(async () => session?.close());

  it('describes each adapter: vendor, architecture, device, description, fallback flag, limits, features', (ctx) => {
    requireComponent(ctx, devices.length > 0, `a WebGPU adapter (${why})`);
    const d = devices[0]!;
    expect(d.id).toBe('webgpu0');
    expect(d.backend).toBe('webgpu');
    for (const key of ['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter', 'features']) expect(d.identity).toHaveProperty(key);
    expect(d.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(d.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
  });

  it('refuses a size over the adapter’s binding limit, naming the limit and its value', (ctx) => {
    requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
    const limit = session!.device.limits.maxStorageBufferBindingSize!;
    const n = Math.ceil(limit / 4 / 1024) * 1024 + 1024; // one array just over the limit
    let err: unknown;
    try {
      session!.checkCapacity(stream, { op: 'copy', dtype: 'f32', n }, Infinity);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CapacityError);
    expect((err as Error).message).toContain(`maxStorageBufferBindingSize of`);
    expect((err as Error).message).toContain(`(${limit} bytes)`);
  });

  it('times iterations with device timestamps: per-iteration times sum to about the window', async (ctx) => {
    requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
    requireComponent(ctx, session!.capabilities.features.includes('timestamp-query'), 'timestamp-query');
    const params = { dtype: 'f32' as const, n: 6144 * 4, k: 256 };
    const kernel = await session!.prepare(fma, params, fma.inputs(1, params));
    try {
      expect(kernel.timer.kind).toBe('device');
      const w = await kernel.runWindow({ minSeconds: 0.2, minIterations: 3, maxIterations: 1e6 });
      const h = LatencyHistogram.decode(w.latencyHistogram);
      expect(h.count).toBe(w.iterations);
      const sum = h.stats()!.mean * w.iterations;
      // Back-to-back passes: the gaps between them are a small part of the window.
      expect(sum / w.seconds).toBeGreaterThan(0.8);
      expect(sum / w.seconds).toBeLessThanOrEqual(1.001);
      expect(w.seconds).toBeGreaterThanOrEqual(0.2);
    } finally {
      await kernel.dispose();
    }
  });

  it('falls back to host timing, saying so, when device timestamps are not used', async (ctx) => {
    requireComponent(ctx, devices.length > 0, `a WebGPU adapter (${why})`);
    const hostTimed = await webgpuBackend.open(devices[0]!, { deviceTimer: false });
    try {
      const params = { dtype: 'f32' as const, n: 6144, k: 64 };
      const kernel = await hostTimed.prepare(fma, params, fma.inputs(1, params));
      expect(kernel.timer.kind).toBe('host-monotonic');
      expect(kernel.timer.description).toMatch(/batch/);
      const w = await kernel.runWindow({ minSeconds: 0.05, minIterations: 2, maxIterations: 1e6 });
      expect(w.iterations).toBeGreaterThanOrEqual(2);
      await kernel.dispose();
    } finally {
      await hostTimed.close();
    }
  });

  it('turns device loss during a window into a DeviceLostError, then reopens the device', async (ctx) => {
    requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
    const s = session as WebGpuSession;
    const params = { dtype: 'f32' as const, n: 6144 * 4, k: 256 };
    const kernel = await s.prepare(fma, params, fma.inputs(1, params));
    setTimeout(() => s.gpuDevice?.destroy(), 100);
    await expect(kernel.runWindow({ minSeconds: 5, minIterations: 1, maxIterations: 1e9 })).rejects.toThrow(DeviceLostError);
    await kernel.dispose();
    const again = await s.prepare(fma, params, fma.inputs(1, params));
    expect((await again.runOnce()).length).toBe(params.n);
    await again.dispose();
  });
});
