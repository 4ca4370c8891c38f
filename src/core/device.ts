/**
 * What a device is and what it can do, as the Backend seam (src/backends/backend.ts)
 * reports it and everything above it reads it: identity and settings as found,
 * limits, theoretical peaks, capabilities and the iteration timer. Here in core
 * so that work flopmeter hosts but does not write (./workload.ts) can be
 * described against a device without importing the backends.
 */

/**
 * The backends' ids, in the order a run takes them (src/backends/index.ts lists the
 * backends themselves in this order). Here, apart from the backends, so that
 * what only needs the ids (`flopmeter probes`) loads none of their libraries.
 */
export const BACKEND_IDS = ['cpu', 'cuda', 'webgpu'] as const;

export type BackendId = (typeof BACKEND_IDS)[number];

/** Identity of a device as found: never changed by flopmeter. */
export interface DeviceInfo {
  /** Stable id within a run, e.g. "cpu0". */
  id: string;
  backend: BackendId;
  /** Marketing name, e.g. "AMD EPYC 7551". */
  name: string;
  vendor: string | null;
  kind: 'cpu' | 'gpu' | 'other';
  /** Identity fields where readable: uuid, pciBusId, driver and firmware versions, core counts, ... */
  identity: Record<string, string | number | boolean | null>;
  /** Settings as found: power limit, clocks, ECC, persistence, where readable. */
  settings: Record<string, string | number | boolean | null>;
  /** Limits that decide what fits, in bytes or counts. */
  limits: Record<string, number>;
  /** Theoretical peak rates from the device's own description; absent where the backend does not work them out. */
  peaks?: TheoreticalPeaks;
}

/**
 * A device's theoretical peak rates, worked out from its own description (for a CPU: cores × clock × vector lanes ×
 * FMA units × 2 per precision; memory channels × transfer rate × 8 bytes), each with where it came from.
 */
export interface TheoreticalPeaks {
  /** Peak compute per precision ("f32", "f64", …), FLOP/s at `clockHz`; null where the microarchitecture is not known. */
  flops: Record<string, number | null>;
  /** Peak memory bandwidth, byte/s; null where not readable. */
  memoryBytesPerSecond: number | null;
  /** The clock the compute peaks assume, Hz (e.g. the highest all-core clock found), or null. */
  clockHz: number | null;
  /** How each figure was derived: the formula with its factors and the files or fields they came from, one line each. */
  sources: string[];
  /** Why a figure is unknown, one line each. */
  notes: string[];
}

/** What a device can do, checked by probes and the runner instead of vendor names. */
export interface Capabilities {
  /** Largest single allocation, in bytes. */
  maxAllocationBytes: number;
  /** Memory the device can hold in all, in bytes (host memory for the CPU); null where the API does not tell. */
  memoryBytes: number | null;
  /** The iteration timer. */
  timer: TimerInfo;
  /** Free-form feature flags: "wasm-simd128", "relaxed-simd", "shader-f16", ... */
  features: string[];
}

/** Which clock times iterations, and how finely. */
export interface TimerInfo {
  /** "host-monotonic" or "device" (CUDA events, WebGPU timestamp queries). */
  kind: 'host-monotonic' | 'device';
  /** Smallest distinguishable interval, seconds. */
  resolutionSeconds: number;
  description: string;
}
