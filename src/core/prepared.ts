/**
 * Work ready to run on one device, as the runner drives it: one iteration to
 * verify, then windows of iterations timed by the device's timer. A backend
 * prepares it from a probe's kernel description; a hosted workload
 * (./workload.ts) prepares it itself on the device a session offers.
 */
import type { TimerInfo } from './device.js';

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

/** A probe's kernel (or a hosted workload), ready to run on one device with its inputs in place. */
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
