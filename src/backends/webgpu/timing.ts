/**
 * Timing iterations on a WebGPU device.
 *
 * - device: batches of back-to-back compute passes, each with timestamp
 *   writes at its beginning and end; two batches in flight so the queue never
 *   runs dry while a batch's timestamps are read back. A window's length is the
 *   device time from its first pass's start to its last pass's end.
 * - host: the same batches without timestamps (the adapter lacks
 *   timestamp-query), timed from submit to completion on the host clock; each
 *   iteration is the batch's average, which the timer description says.
 * - roundtrip: every iteration submitted and awaited on the host
 *   (submit-to-completion latency, for launch-latency).
 */
import { performance } from 'node:perf_hooks';
import { monotonicNs } from '../../core/clock.js';
import { LatencyHistogram } from '../../core/histogram.js';
import type { WindowRequest, WindowTiming } from '../backend.js';
import { roundtripWindow } from '../roundtrip.js';

/** Iterations per batch at most: a query set holds 4096 timestamps, two per pass. */
const MAX_BATCH = 2048;
/** A batch takes about this long on the device: few readbacks, yet a window ends close to its target. */
const BATCH_TARGET_SECONDS = 0.02;

export interface TimingDeps {
  device: GPUDevice;
  /** WebGPU constants from Dawn. */
  usage: { QUERY_RESOLVE: number; COPY_SRC: number; COPY_DST: number; MAP_READ: number };
  mapRead: number;
  /** Encodes the dispatches of one iteration into a compute pass. */
  encodeIteration(pass: GPUComputePassEncoder): void;
  aborted(): boolean;
}

interface Slot {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
}

export class IterationTimer {
  /** Seconds per iteration from the last batch, for sizing the next. */
  private estimate = 0;
  private slots: Slot[] | null = null;

  constructor(
    private readonly deps: TimingDeps,
    readonly mode: 'device' | 'host' | 'roundtrip',
  ) {}

  private batchSize(): number {
    if (this.estimate <= 0) return 1;
    return Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_TARGET_SECONDS / this.estimate)));
  }

  private slot(i: number): Slot {
    if (!this.slots) {
      const { device, usage } = this.deps;
      this.slots = [0, 1].map(() => ({
        querySet: device.createQuerySet({ type: 'timestamp', count: 2 * MAX_BATCH }),
        resolve: device.createBuffer({ size: 16 * MAX_BATCH, usage: usage.QUERY_RESOLVE | usage.COPY_SRC }),
        read: device.createBuffer({ size: 16 * MAX_BATCH, usage: usage.MAP_READ | usage.COPY_DST }),
      }));
    }
    return this.slots[i]!;
  }

  async window(req: WindowRequest): Promise<WindowTiming> {
    if (this.mode === 'roundtrip') {
      return roundtripWindow(
        req,
        async () => {
          this.submitBatch(1, null);
          await this.deps.device.queue.onSubmittedWorkDone();
        },
        this.deps.aborted,
      );
    }
    return this.mode === 'device' ? this.deviceWindow(req) : this.hostWindow(req);
  }

  private submitBatch(count: number, slot: Slot | null): void {
    const { device } = this.deps;
    const enc = device.createCommandEncoder();
    for (let i = 0; i < count; i++) {
      const pass = enc.beginComputePass(
        slot ? { timestampWrites: { querySet: slot.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } } : {},
      );
      this.deps.encodeIteration(pass);
      pass.end();
    }
    if (slot) {
      enc.resolveQuerySet(slot.querySet, 0, 2 * count, slot.resolve, 0);
      enc.copyBufferToBuffer(slot.resolve, 0, slot.read, 0, 16 * count);
    }
    device.queue.submit([enc.finish()]);
  }

  private async deviceWindow(req: WindowRequest): Promise<WindowTiming> {
    const hist = new LatencyHistogram();
    const startNs = monotonicNs();
    let iterations = 0;
    let first: bigint | null = null;
    let last = BigInt(0); // not a literal: the build-independence test compiles for ES2019, which has none
    let aborted = false;
    const inFlight: Array<{ slot: Slot; count: number; mapped: Promise<void> }> = [];
    let next = 0;
    const launch = (): void => {
      const count = Math.min(this.batchSize(), req.maxIterations - iterations - inFlight.reduce((s, b) => s + b.count, 0));
      if (count <= 0) return;
      const slot = this.slot(next);
      next ^= 1;
      this.submitBatch(count, slot);
      const mapped = slot.read.mapAsync(this.deps.mapRead, 0, 16 * count);
      // If an earlier batch fails (device lost), this one's rejection is not awaited: keep it handled.
      mapped.catch(() => undefined);
      inFlight.push({ slot, count, mapped });
    };
    const done = (): boolean =>
      iterations >= req.maxIterations || (iterations >= req.minIterations && first !== null && Number(last - first) / 1e9 >= req.minSeconds);
    launch();
    while (inFlight.length > 0) {
      if (!done() && !aborted && inFlight.length < 2) launch();
      const batch = inFlight.shift()!;
      await batch.mapped;
      const ts = new BigUint64Array(batch.slot.read.getMappedRange(0, 16 * batch.count).slice(0));
      batch.slot.read.unmap();
      let sum = 0;
      for (let i = 0; i < batch.count; i++) {
        const begin = ts[2 * i]!;
        const end = ts[2 * i + 1]!;
        if (first === null) first = begin;
        if (end > last) last = end;
        const ns = Number(end - begin);
        hist.recordNs(ns);
        sum += ns;
      }
      iterations += batch.count;
      this.estimate = sum / batch.count / 1e9;
      if (this.deps.aborted()) aborted = true;
      if (!done() && !aborted && inFlight.length === 0) launch();
    }
    const endNs = monotonicNs();
    const encoded = hist.encode();
    hist.destroy();
    return { startNs, endNs, iterations, seconds: first === null ? 0 : Number(last - first) / 1e9, latencyHistogram: encoded, aborted };
  }

  private async hostWindow(req: WindowRequest): Promise<WindowTiming> {
    const hist = new LatencyHistogram();
    const startNs = monotonicNs();
    let iterations = 0;
    let seconds = 0;
    let aborted = false;
    while (!(iterations >= req.maxIterations || (iterations >= req.minIterations && seconds >= req.minSeconds))) {
      if (this.deps.aborted()) {
        aborted = true;
        break;
      }
      const count = Math.min(this.batchSize(), req.maxIterations - iterations);
      const t0 = performance.now();
      this.submitBatch(count, null);
      await this.deps.device.queue.onSubmittedWorkDone();
      const batchSeconds = (performance.now() - t0) / 1000;
      for (let i = 0; i < count; i++) hist.recordSeconds(batchSeconds / count);
      iterations += count;
      seconds += batchSeconds;
      this.estimate = batchSeconds / count;
    }
    const endNs = monotonicNs();
    const encoded = hist.encode();
    hist.destroy();
    return { startNs, endNs, iterations, seconds, latencyHistogram: encoded, aborted };
  }

  destroy(): void {
    for (const s of this.slots ?? []) {
      s.querySet.destroy();
      s.resolve.destroy();
      s.read.destroy();
    }
    this.slots = null;
  }
}
