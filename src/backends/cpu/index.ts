/**
 * The CPU backend: the host's processors as one device, "cpu0".
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import si from 'systeminformation';
import type { Backend, Capabilities, DeviceInfo, Discovery, OpenOptions, TimerInfo } from '../backend.js';
import { UsageError } from '../../core/errors.js';
import { CpuSession } from './session.js';
import { relaxedSimdSupported, simdSupported } from './wasm.js';
import { findBlas } from './blas.js';
import { WASM_MAX_BYTES } from './memory.js';
import { findNative, nativeEngineName } from './native.js';
import { cpuPeaks } from './peaks.js';
import { readText } from './cpuinfo.js';

/** Worker threads by default: one per logical CPU the process may use. */
export function defaultThreads(): number {
  return os.availableParallelism();
}


/**
 * Smallest step performance.now() shows here (seconds): the clock's own
 * granularity plus the cost of reading it. 50 000 readings (~5 ms) let the
 * loop be optimised first, so the figure is the clock's, not the JIT's.
 */
function timerResolution(): number {
  let best = Infinity;
  for (let i = 0; i < 50000; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    best = Math.min(best, b - a);
  }
  return best / 1000;
}

let timer: TimerInfo | undefined;
function hostTimer(): TimerInfo {
  timer ??= {
    kind: 'host-monotonic',
    resolutionSeconds: timerResolution(),
    description: 'performance.now() in the leading worker thread (CLOCK_MONOTONIC), around each iteration',
  };
  return timer;
}

async function describeCpu(): Promise<DeviceInfo> {
  const [cpu, flags] = await Promise.all([si.cpu(), si.cpuFlags().catch(() => '')]);
  const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => flags.split(/\s+/).includes(f));
  const name = [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || os.cpus()[0]?.model || 'unknown CPU';
  return {
    id: 'cpu0',
    backend: 'cpu',
    name,
    vendor: cpu.manufacturer || null,
    kind: 'cpu',
    identity: {
      model: os.cpus()[0]?.model ?? null,
      family: cpu.family || null,
      modelNumber: cpu.model || null,
      stepping: cpu.stepping || null,
      sockets: cpu.processors || null,
      physicalCores: cpu.physicalCores || null,
      logicalCores: os.cpus().length,
      cacheL2Bytes: cpu.cache?.l2 || null,
      cacheL3Bytes: cpu.cache?.l3 || null,
      simdFlags: simd.join(' ') || null,
      virtualization: cpu.virtualization ?? null,
    },
    settings: {
      scalingGovernor: readText('/sys/devices/system/cpu/cpu0/cpufreq', 'scaling_governor'),
      boost: readText('/sys/devices/system/cpu/cpufreq', 'boost'),
      nominalFrequencyHz: cpu.speed ? cpu.speed * 1e9 : null,
      maxFrequencyHz: cpu.speedMax ? cpu.speedMax * 1e9 : null,
    },
    limits: { maxAllocationBytes: WASM_MAX_BYTES, memoryBytes: os.totalmem() },
    peaks: cpuPeaks(),
  };
}

/** "native-<isa>" where the native kernels are built for this host. */
function nativeFeature(): string[] {
  const native = findNative();
  return native.found ? [nativeEngineName(native.library)] : [];
}

function capabilities(device: DeviceInfo): Capabilities {
  return {
    maxAllocationBytes: device.limits.maxAllocationBytes ?? WASM_MAX_BYTES,
    memoryBytes: device.limits.memoryBytes ?? os.totalmem(),
    timer: hostTimer(),
    features: ['wasm-simd128', ...(relaxedSimdSupported() ? ['relaxed-simd'] : []), ...nativeFeature()],
  };
}

export const cpuBackend: Backend = {
  id: 'cpu',
  description: 'native kernels for the host ISA (else WebAssembly SIMD) in worker threads over shared memory; the system BLAS for GEMM',
  async discover(): Promise<Discovery> {
    if (!simdSupported()) return { available: false, reason: 'this Node.js has no WebAssembly SIMD', devices: [], notes: [] };
    const device = await describeCpu();
    const blas = findBlas();
    const native = findNative();
    const notes = [
      native.found
        ? `native kernels: ${nativeEngineName(native.library)} (${native.library.compiler ?? 'compiler unknown'}) for stream, fma-peak and reduce`
        : `native kernels not used (${native.reason}); stream, fma-peak and reduce use WebAssembly`,
      blas.found ? `system BLAS: ${blas.library.vendor} ${blas.library.version ?? ''} (${blas.library.path})`.replace(/ +/g, ' ') : `system BLAS: none (${blas.reason}); GEMM uses the WebAssembly kernel`,
      relaxedSimdSupported() ? 'relaxed SIMD (fused multiply-add) available' : 'relaxed SIMD not available in this Node.js: fma-peak uses separate multiply and add',
    ];
    return { available: true, devices: [device], notes };
  },
  async open(device: DeviceInfo, options: OpenOptions) {
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new UsageError(`--threads ${threads}: must be an integer from 1 to 1024`);
    return CpuSession.open(device, capabilities(device), threads);
  },
};
