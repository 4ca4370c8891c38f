/**
 * Round-trip timing shared by the GPU backends: each iteration is submitted
 * and awaited on the host, so its time is what a launch costs the caller
 * (launch-latency). The per-backend parts are how to submit and how to wait.
 */
import { performance } from 'node:perf_hooks';
import { monotonicNs } from '../core/clock.js';
import { LatencyHistogram } from '../core/histogram.js';
import type { WindowRequest, WindowTiming } from './backend.js';

/** Yield to the event loop every this many iterations, so signals and telemetry are handled ... */
const YIELD_EVERY = 256;
/** ... or after this long, for slow iterations (an interruption is noticed within about one iteration). */
const YIELD_AFTER_MS = 50;

export async function roundtripWindow(req: WindowRequest, iterate: () => void | Promise<void>, aborted: () => boolean): Promise<WindowTiming> {
  const hist = new LatencyHistogram();
  const startNs = monotonicNs();
  const t0 = performance.now();
  let iterations = 0;
  let elapsed = 0;
  let stopped = false;
  let lastYield = t0;
  while (!(iterations >= req.maxIterations || (iterations >= req.minIterations && elapsed >= req.minSeconds))) {
    if (aborted()) {
      stopped = true;
      break;
    }
    const ts = performance.now();
    await iterate();
    const te = performance.now();
    hist.recordNs((te - ts) * 1e6);
    iterations++;
    elapsed = (te - t0) / 1000;
    if (iterations % YIELD_EVERY === 0 || te - lastYield > YIELD_AFTER_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
  }
  const endNs = monotonicNs();
  const encoded = hist.encode();
  hist.destroy();
  return { startNs, endNs, iterations, seconds: elapsed, latencyHistogram: encoded, aborted: stopped };
}
