/**
 * A CPU backend worker thread. Worker 0 is the leader: it runs the window
 * loop, times every iteration on the monotonic clock and drives the others
 * through the shared control array (see protocol.ts).
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from '../../core/histogram.js';
import { describeError } from '../../core/errors.js';
import { monotonicNs } from '../../core/clock.js';
import { CTL, CTL_SLOTS, PHASE_LEAVE, SPIN_POLLS, type FromWorker, type ToWorker, type WorkerKernel } from './protocol.js';
import { bindSgemm, CBLAS_NO_TRANS, CBLAS_ROW_MAJOR } from './blas.js';
import { bindNativeCalls } from './native.js';

if (!parentPort) throw new Error('cpu worker: must run as a worker thread');
const port = parentPort;

let ctl: Int32Array<ArrayBufferLike> = new Int32Array(CTL_SLOTS);
let index = 0;
let threads = 1;
/** Runs this worker's slice of phase p. */
let runPhase: (p: number) => void = () => {};
let phaseCount = 0;
let isLibrary = false;

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

/** Returns once ctl[slot] !== value, spinning briefly before sleeping. */
function waitWhileEquals(slot: number, value: number): void {
  for (let i = 0; i < SPIN_POLLS; i++) if (Atomics.load(ctl, slot) !== value) return;
  while (Atomics.load(ctl, slot) === value) Atomics.wait(ctl, slot, value);
}

/** Returns once ctl[slot] >= target. */
function waitAtLeast(slot: number, target: number): void {
  let spins = 0;
  for (;;) {
    const v = Atomics.load(ctl, slot);
    if (v >= target) return;
    if (spins++ < SPIN_POLLS) continue;
    Atomics.wait(ctl, slot, v);
  }
}

function load(kernel: WorkerKernel): void {
  isLibrary = kernel.kind === 'blas-sgemm';
  if (kernel.kind === 'none') {
    runPhase = () => {};
    phaseCount = 0;
  } else if (kernel.kind === 'wasm') {
    const instance = new WebAssembly.Instance(kernel.module, { env: { memory: kernel.memory } });
    const calls = kernel.phases.map(({ entry, args }) => {
      const fn = instance.exports[entry];
      if (typeof fn !== 'function') throw new Error(`kernel has no export "${entry}"`);
      const f = fn as (...a: number[]) => void;
      return args ? () => f(...args) : () => {};
    });
    runPhase = (p) => calls[p]!();
    phaseCount = calls.length;
  } else if (kernel.kind === 'native') {
    const calls = bindNativeCalls(kernel.library, kernel.phases, kernel.memory);
    runPhase = (p) => calls[p]!();
    phaseCount = calls.length;
  } else {
    const { sgemm, setThreads } = bindSgemm(kernel.library);
    setThreads?.(kernel.threads);
    const { n, memory } = kernel;
    const A = new Float32Array(memory.buffer, kernel.a, n * n);
    const B = new Float32Array(memory.buffer, kernel.b, n * n);
    const C = new Float32Array(memory.buffer, kernel.c, n * n);
    runPhase = () => sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_NO_TRANS, n, n, n, 1, A, n, B, n, 0, C, n);
    phaseCount = 1;
  }
}

/** Follower: run phases as the leader publishes them, until LEAVE. */
function follow(): void {
  let seen = Atomics.load(ctl, CTL.GEN);
  Atomics.add(ctl, CTL.ENTERED, 1);
  Atomics.notify(ctl, CTL.ENTERED);
  for (;;) {
    waitWhileEquals(CTL.GEN, seen);
    seen = Atomics.load(ctl, CTL.GEN);
    const p = Atomics.load(ctl, CTL.PHASE);
    if (p !== PHASE_LEAVE) {
      try {
        runPhase(p);
      } catch (err) {
        Atomics.store(ctl, CTL.ERROR, 1);
        post({ type: 'error', index, message: describeError(err) });
      }
    }
    Atomics.add(ctl, CTL.DONE, 1);
    Atomics.notify(ctl, CTL.DONE);
    if (p === PHASE_LEAVE) return;
  }
}

/** Leader: publish a phase to the followers (or the LEAVE signal) and run its own slice. */
function dispatch(p: number): void {
  const followers = isLibrary ? 0 : threads - 1;
  if (followers > 0) {
    Atomics.store(ctl, CTL.PHASE, p);
    Atomics.store(ctl, CTL.DONE, 0);
    Atomics.add(ctl, CTL.GEN, 1);
    Atomics.notify(ctl, CTL.GEN);
  }
  try {
    if (p !== PHASE_LEAVE) runPhase(p);
  } finally {
    // Even when the leader's own slice fails, the followers finish theirs before anything else happens.
    if (followers > 0) waitAtLeast(CTL.DONE, followers);
  }
  if (p !== PHASE_LEAVE && Atomics.load(ctl, CTL.ERROR) !== 0) throw new Error('a worker thread failed (see its message)');
}

function runWindow(minSeconds: number, minIterations: number, maxIterations: number): FromWorker {
  const followers = isLibrary ? 0 : threads - 1;
  if (followers > 0) waitAtLeast(CTL.ENTERED, followers);
  const hist = new LatencyHistogram();
  const minMs = minSeconds * 1000;
  let iterations = 0;
  let aborted = false;
  const startNs = monotonicNs();
  const t0 = performance.now();
  let tEnd = t0;
  try {
    for (;;) {
      if (Atomics.load(ctl, CTL.ABORT) !== 0) {
        aborted = true;
        break;
      }
      const ts = performance.now();
      for (let p = 0; p < phaseCount; p++) dispatch(p);
      tEnd = performance.now();
      hist.recordNs((tEnd - ts) * 1e6);
      iterations++;
      if (iterations >= maxIterations) break;
      if (iterations >= minIterations && tEnd - t0 >= minMs) break;
    }
  } finally {
    if (followers > 0) {
      dispatch(PHASE_LEAVE);
      Atomics.store(ctl, CTL.ENTERED, 0);
    }
  }
  const endNs = monotonicNs();
  const encoded = hist.encode();
  hist.destroy();
  return { type: 'window', startNs, endNs, iterations, seconds: (tEnd - t0) / 1000, latencyHistogram: encoded, aborted };
}

port.on('message', (msg: ToWorker) => {
  try {
    switch (msg.type) {
      case 'init':
        ctl = new Int32Array(msg.control);
        index = msg.index;
        threads = msg.threads;
        post({ type: 'ready' });
        break;
      case 'load':
        load(msg.kernel);
        post({ type: 'loaded' });
        break;
      case 'enter':
        follow();
        break;
      case 'window':
        post(runWindow(msg.minSeconds, msg.minIterations, msg.maxIterations));
        break;
    }
  } catch (err) {
    post({ type: 'error', index, message: describeError(err) });
  }
});
