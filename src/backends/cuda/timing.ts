/**
 * Timing iterations on a CUDA stream with CUDA events: each iteration is
 * bracketed by a pair of events; batches of iterations are enqueued back to
 * back, two batches in flight, so the GPU never waits for the host while a
 * batch's times are read. A window's length is the event time from its first
 * iteration's start to its last one's end. "roundtrip" timing instead launches
 * each iteration and waits for it on the host (launch-latency).
 */
import { monotonicNs } from '../../core/clock.js';
import { LatencyHistogram } from '../../core/histogram.js';
import type { TimerInfo, WindowRequest, WindowTiming } from '../backend.js';
import { CUDA_ERROR_NOT_READY, type CudaDriver, type Handle } from './driver.js';
import { roundtripWindow } from '../roundtrip.js';

/** Event pairs per batch at most. */
const MAX_BATCH = 1024;
/** A batch takes about this long on the device: few synchronisations, yet windows end near their target. */
const BATCH_TARGET_SECONDS = 0.02;
/** cuEventSynchronize sleeps instead of spinning a host core (CU_EVENT_BLOCKING_SYNC). */
const EVENT_BLOCKING_SYNC = 1;

export const CUDA_TIMERS: Record<'device' | 'roundtrip', TimerInfo> = {
  device: { kind: 'device', resolutionSeconds: 5e-7, description: 'CUDA events recorded around each iteration on the stream (cuEventElapsedTime, ~0.5 µs)' },
  roundtrip: { kind: 'host-monotonic', resolutionSeconds: 1e-6, description: 'host clock from cuLaunchKernel to cuStreamSynchronize, one iteration at a time' },
};

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
/**
 * How often a finished batch is looked for. The next batch is already queued, so
 * the device stays busy while the host waits; 1 ms is far below a batch's 20 ms.
 */
const POLL_MS = 1;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Batch {
  starts: Handle[];
  ends: Handle[];
}

export class CudaTimer {
  private estimate = 0;
  private pools: Batch[] = [];
  /** Recorded just before a window's first iteration: the window's span is measured from it. */
  private windowStart: Handle | null = null;

  constructor(
    private readonly driver: CudaDriver,
    private readonly stream: Handle,
    /** Enqueues one iteration on the stream. */
    private readonly enqueue: () => void,
    private readonly aborted: () => boolean,
    readonly mode: 'device' | 'roundtrip',
  ) {}

  private event(flags = 0): Handle {
    const e = [null];
    this.driver.call('cuEventCreate', e, flags);
    return e[0];
  }

  private pool(i: number): Batch {
    while (this.pools.length <= i) {
      this.pools.push({
        starts: Array.from({ length: MAX_BATCH }, () => this.event()),
        ends: Array.from({ length: MAX_BATCH }, () => this.event(EVENT_BLOCKING_SYNC)),
      });
    }
    return this.pools[i]!;
  }

  private batchSize(): number {
    if (this.estimate <= 0) return 1;
    return Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_TARGET_SECONDS / this.estimate)));
  }

  window(req: WindowRequest): Promise<WindowTiming> {
    if (this.mode === 'device') return this.deviceWindow(req);
    return roundtripWindow(
      req,
      () => {
        this.enqueue();
        this.driver.call('cuStreamSynchronize', this.stream);
      },
      this.aborted,
    );
  }

  private async deviceWindow(req: WindowRequest): Promise<WindowTiming> {
    const d = this.driver;
    const hist = new LatencyHistogram();
    const startNs = monotonicNs();
    this.windowStart ??= this.event();
    d.call('cuEventRecord', this.windowStart, this.stream);
    let iterations = 0;
    let aborted = false;
    let seconds = 0;
    const inFlight: Array<{ pool: Batch; count: number }> = [];
    let next = 0;
    const launch = (): void => {
      const queued = inFlight.reduce((s, b) => s + b.count, 0);
      const count = Math.min(this.batchSize(), req.maxIterations - iterations - queued);
      if (count <= 0) return;
      const pool = this.pool(next);
      next ^= 1;
      for (let i = 0; i < count; i++) {
        d.call('cuEventRecord', pool.starts[i], this.stream);
        this.enqueue();
        d.call('cuEventRecord', pool.ends[i], this.stream);
      }
      inFlight.push({ pool, count });
    };
    const done = (): boolean => iterations >= req.maxIterations || (iterations >= req.minIterations && seconds >= req.minSeconds);
    launch();
    while (inFlight.length > 0) {
      // Keep a second batch queued while this one is read (its pool is the other one, so reading is safe).
      if (!done() && !aborted && inFlight.length < 2) launch();
      const batch = inFlight.shift()!;
      await this.finished(batch.pool.ends[batch.count - 1]);
      let sum = 0;
      for (let i = 0; i < batch.count; i++) {
        const ms = d.elapsedMs(batch.pool.starts[i], batch.pool.ends[i]);
        hist.recordNs(ms * 1e6);
        sum += ms / 1000;
      }
      seconds = d.elapsedMs(this.windowStart, batch.pool.ends[batch.count - 1]) / 1000;
      iterations += batch.count;
      this.estimate = sum / batch.count;
      if (this.aborted()) aborted = true;
      if (inFlight.length === 0 && !done() && !aborted) launch();
      await yieldToEventLoop();
    }
    const endNs = monotonicNs();
    const encoded = hist.encode();
    hist.destroy();
    return { startNs, endNs, iterations, seconds, latencyHistogram: encoded, aborted };
  }

  /**
   * Waits for an event without holding the thread: the event loop stays free
   * (an exporter keeps answering scrapes during a measurement), where
   * cuEventSynchronize would block it for up to a batch.
   */
  private async finished(event: Handle): Promise<void> {
    while (this.driver.raw('cuEventQuery', event) === CUDA_ERROR_NOT_READY) await sleep(POLL_MS);
    // Returns at once now; reports an error the queued work raised.
    this.driver.call('cuEventSynchronize', event);
  }

  destroy(): void {
    for (const p of this.pools) for (const e of [...p.starts, ...p.ends]) this.driver.raw('cuEventDestroy', e);
    if (this.windowStart) this.driver.raw('cuEventDestroy', this.windowStart);
    this.pools = [];
    this.windowStart = null;
  }
}
