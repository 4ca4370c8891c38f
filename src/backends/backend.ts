/**
 * The Backend seam (DESIGN.md §3). A backend discovers its devices (saying
 * why it is unavailable when it is), opens one, prepares a probe's kernel on
 * it and times iterations with the device's own timer. Code above this seam
 * checks capabilities, never vendor names.
 */
import type { AnyProbe, Inputs, Params } from '../core/probe.js';

/**
 * The backends' ids, in the order a run takes them (./index.ts lists the
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

export type Discovery =
  | { available: true; devices: DeviceInfo[]; notes: string[] }
  | { available: false; reason: string; devices: DeviceInfo[]; notes: string[] };

/** Timing of one measurement window, on the monotonic clock shared with telemetry. */
export interface WindowTiming {
  /** Window start and end, monotonic nanoseconds. */
  startNs: number;
  endNs: number;
  iterations: number;
  /** Window length by the iteration timer, seconds. */
  seconds: number;
  /** Per-iteration times, an encoded LatencyHistogram (seconds recorded as ns). */
  latencyHistogram: string;
  /** True when the window stopped early because the run was interrupted. */
  aborted: boolean;
}

export interface WindowRequest {
  /** Run at least this long, seconds ... */
  minSeconds: number;
  /** ... and at least this many iterations ... */
  minIterations: number;
  /** ... but never more than this many. */
  maxIterations: number;
}

/** A probe's kernel, ready to run on one device with its inputs in place. */
export interface PreparedKernel {
  /** What actually runs, e.g. "wasm-simd128" or "OpenBLAS 0.3.21 (cblas_sgemm)". */
  readonly engine: string;
  /** Text identifying the kernel, hashed into the result's definition hash (source, or library identity). */
  readonly kernelIdentity: string;
  readonly timer: TimerInfo;
  /** Anything the report should say about how the kernel was chosen (e.g. why a fallback ran). */
  readonly notes: string[];
  /** Runs one iteration and returns the output to verify; throws AbortedError when interrupted before the output was computed. */
  runOnce(): Promise<Float32Array | Float64Array>;
  /** Runs iterations back to back for a window. */
  runWindow(request: WindowRequest): Promise<WindowTiming>;
  /** Notes on what the windows left behind (e.g. memory growth), asked for after the last window. */
  afterWindows?(): string[];
  dispose(): Promise<void>;
}

export interface DeviceSession {
  readonly device: DeviceInfo;
  readonly capabilities: Capabilities;
  /** Why this device cannot run this probe with these parameters, or null when it can. */
  unsupported(probe: AnyProbe, params: Params): string | null;
  /** Throws a CapacityError when the probe's buffers cannot fit (host memory up to `availableBytes`); allocates nothing. */
  checkCapacity(probe: AnyProbe, params: Params, availableBytes: number): void;
  prepare(probe: AnyProbe, params: Params, inputs: Inputs): Promise<PreparedKernel>;
  /**
   * Starts afresh, between blocks of windows, what a new run would start
   * afresh beyond the kernel's buffers (the CPU's worker threads, so their
   * placement varies as it does between runs). Optional: sessions without
   * such state have nothing to renew.
   */
  renew?(): Promise<void>;
  /** Stops any iteration loop as soon as possible (the window returns with aborted = true). */
  abort(): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Worker threads for the CPU backend. */
  threads?: number;
  /** Use the device's own timer where it has one (default true); false times on the host. */
  deviceTimer?: boolean;
}

export interface Backend {
  readonly id: BackendId;
  readonly description: string;
  /** Never throws: an unavailable backend says why. */
  discover(): Promise<Discovery>;
  open(device: DeviceInfo, options: OpenOptions): Promise<DeviceSession>;
}
