/**
 * The CUDA backend: NVIDIA GPUs through the driver API (libcuda.so.1), with
 * NVRTC for flopmeter's kernels and cuBLAS for GEMM, all through koffi.
 */
import { describeError } from '../../core/errors.js';
import type { Backend, DeviceInfo, Discovery } from '../backend.js';
import { Cublas } from './cublas.js';
import { ATTR, CudaDriver } from './driver.js';
import { Nvrtc } from './nvrtc.js';
import { CudaSession, type CudaLibraries } from './session.js';

let state: { driver: CudaDriver; libs: CudaLibraries } | null = null;

function describeDevice(driver: CudaDriver, ordinal: number, cudaVersion: string): DeviceInfo {
  const dev = driver.device(ordinal);
  const attr = (a: number): number => driver.attribute(dev, a);
  const total = driver.totalMemory(dev);
  return {
    id: `cuda${ordinal}`,
    backend: 'cuda',
    name: driver.name(dev),
    vendor: 'nvidia',
    kind: 'gpu',
    identity: {
      ordinal,
      uuid: driver.uuidOf(dev),
      pciBusId: driver.pciBusId(dev),
      computeCapability: `${attr(ATTR.COMPUTE_CAPABILITY_MAJOR)}.${attr(ATTR.COMPUTE_CAPABILITY_MINOR)}`,
      smCount: attr(ATTR.MULTIPROCESSOR_COUNT),
      maxThreadsPerSm: attr(ATTR.MAX_THREADS_PER_MULTIPROCESSOR),
      cudaDriverVersion: cudaVersion,
      memoryBytes: total,
      memoryBusWidthBits: attr(ATTR.GLOBAL_MEMORY_BUS_WIDTH),
      l2CacheBytes: attr(ATTR.L2_CACHE_SIZE),
    },
    settings: {
      // The driver's nominal figures; live clocks come from NVML telemetry.
      maxClockHz: attr(ATTR.CLOCK_RATE_KHZ) * 1e3,
      maxMemoryClockHz: attr(ATTR.MEMORY_CLOCK_RATE_KHZ) * 1e3,
    },
    limits: { maxAllocationBytes: total, memoryBytes: total },
  };
}

export const cudaBackend: Backend = {
  id: 'cuda',
  description: 'NVIDIA GPUs through the CUDA driver API, NVRTC and cuBLAS (via koffi)',
  async discover(): Promise<Discovery> {
    const driver = CudaDriver.load();
    if ('unavailable' in driver) return { available: false, reason: driver.unavailable, devices: [], notes: [] };
    try {
      driver.init();
      const count = driver.deviceCount();
      const v = driver.version();
      const cudaVersion = `${Math.floor(v / 1000)}.${(v % 1000) / 10}`;
      if (count === 0) return { available: false, reason: 'the CUDA driver reports no devices', devices: [], notes: [] };
      const major = Math.floor(v / 1000);
      const libs: CudaLibraries = { nvrtc: Nvrtc.load(major), cublas: Cublas.load(major) };
      state = { driver, libs };
      const devices = Array.from({ length: count }, (_, i) => describeDevice(driver, i, cudaVersion));
      const notes = [
        `CUDA driver ${cudaVersion} (${driver.path})`,
        'unavailable' in libs.nvrtc ? `NVRTC: ${libs.nvrtc.unavailable}; kernels load as PTX built by nvcc` : `NVRTC ${libs.nvrtc.version} (${libs.nvrtc.path})`,
        'unavailable' in libs.cublas ? `cuBLAS: ${libs.cublas.unavailable}; GEMM uses flopmeter's kernel (float32 only)` : `cuBLAS (${libs.cublas.path})`,
      ];
      return { available: true, devices, notes };
    } catch (err) {
      return { available: false, reason: describeError(err), devices: [], notes: [] };
    }
  },
  async open(device: DeviceInfo) {
    if (!state) throw new Error('CUDA backend: discover first');
    return CudaSession.open(state.driver, device, state.libs);
  },
};
