/**
 * The CPU backend's worker protocol. Commands travel as messages; the
 * per-iteration handshake goes through a small shared Int32Array so that a
 * dispatch costs a futex wake, not a message round trip.
 *
 * Per window: main sends `enter` to the followers and `window` to the leader.
 * Each follower reads GEN, bumps ENTERED and waits for GEN to change; the
 * leader waits until every follower has entered, then for each phase of each
 * iteration stores PHASE, clears DONE, bumps GEN, runs its own slice and
 * waits for DONE to reach the follower count. At the end it publishes
 * PHASE = LEAVE, and the followers return to their event loops.
 */

/** Slots of the control array. */
export const CTL = {
  GEN: 0,
  DONE: 1,
  PHASE: 2,
  ABORT: 3,
  ERROR: 4,
  ENTERED: 5,
} as const;
export const CTL_SLOTS = 8;

/** PHASE value telling followers to leave the run loop. */
export const PHASE_LEAVE = -1;

/**
 * Busy-wait polls before blocking in Atomics.wait: a few tens of microseconds,
 * far below any kernel's iteration time, yet enough to skip the futex sleep
 * and wake (~10–50 µs each) between back-to-back phases.
 */
export const SPIN_POLLS = 20000;

/** One worker's share of a kernel phase: the WebAssembly export (or native C prototype) and its arguments, or null for an empty slice. */
export interface WorkerPhase {
  entry: string;
  args: number[] | null;
}

export type WorkerKernel =
  | { kind: 'wasm'; module: WebAssembly.Module; memory: WebAssembly.Memory; phases: WorkerPhase[] }
  /** Native kernels (native.ts): each phase's export names the C prototype in the library, called with the memory's base first. */
  | { kind: 'native'; library: string; memory: WebAssembly.Memory; phases: WorkerPhase[] }
  | {
      kind: 'blas-sgemm';
      library: string;
      threads: number;
      memory: WebAssembly.Memory;
      n: number;
      /** Byte offsets of A, B and C in the memory. */
      a: number;
      b: number;
      c: number;
    }
  | { kind: 'none' };

export type ToWorker =
  | { type: 'init'; control: SharedArrayBuffer; index: number; threads: number }
  | { type: 'load'; kernel: WorkerKernel }
  | { type: 'enter' }
  | { type: 'window'; minSeconds: number; minIterations: number; maxIterations: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded' }
  | { type: 'window'; startNs: number; endNs: number; iterations: number; seconds: number; latencyHistogram: string; aborted: boolean }
  | { type: 'error'; index: number; message: string };
