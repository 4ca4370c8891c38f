/**
 * The main thread's view of telemetry: starts the sampling worker, keeps the
 * samples in a store, and flushes on demand so that a window's edges are
 * bracketed by counter readings.
 */
import { Worker } from 'node:worker_threads';
import { requireBuilt, workerScript } from '../core/paths.js';
import { SampleStore } from './store.js';
import type { SamplerOptions } from './sampler.js';
import type { FromTelemetry, HealthBatch, SamplerStats, ToTelemetry } from './protocol.js';
import type { DeviceHealth, HealthChange } from './health.js';
import type { MissingSensor, SensorInfo } from './types.js';
import type { TelemetryDevice } from './devices.js';
import type { ProcessAccountingSnapshot } from './process-accounting.js';

/** Health changes kept for reports: a flapping device over a long exporter life must not grow memory without bound. */
const MAX_HEALTH_CHANGES = 1000;

export interface TelemetryOptions {
  /** Sampler names (src/telemetry/index.ts). */
  samplers: readonly string[];
  options: SamplerOptions;
  /** How long samples are kept, seconds (default 1 hour): a long-running exporter keeps only what a measurement needs. */
  retentionSeconds?: number;
}

export class Telemetry {
  readonly store: SampleStore;
  /** Physical devices the samplers see. */
  devices: TelemetryDevice[] = [];
  sensors: SensorInfo[] = [];
  missing: MissingSensor[] = [];
  /** What the samplers said about themselves (libraries found, or why a sampler has nothing). */
  notes: string[] = [];
  stats: SamplerStats[] = [];
  /** Health of the devices whose samplers track it (NVML's GPUs), as of the last batch. */
  health: DeviceHealth[] = [];
  /** Changes of health since telemetry started, oldest first (the newest MAX_HEALTH_CHANGES). */
  readonly healthChanges: HealthChange[] = [];
  private readonly healthListeners: Array<(change: HealthChange) => void> = [];
  /** Energy per process (the worker's latest split); null where no device has an energy counter to split. */
  processes: ProcessAccountingSnapshot | null = null;
  private nextId = 1;
  private readonly flushes = new Map<number, () => void>();
  private stopped: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker | null,
    retentionSeconds?: number,
  ) {
    this.store = new SampleStore(retentionSeconds !== undefined ? retentionSeconds * 1e9 : undefined);
  }

  /** Telemetry switched off: every sensor reported missing for that reason. */
  static disabled(device: string, reason = 'telemetry disabled (--no-telemetry)'): Telemetry {
    const t = new Telemetry(null);
    t.notes = [reason];
    t.missing = (['power', 'energy'] as const).map((quantity) => ({ sampler: 'none', device, quantity, reason }));
    return t;
  }

  static async start(opts: TelemetryOptions): Promise<Telemetry> {
    const worker = new Worker(requireBuilt(workerScript(import.meta.url, 'worker')));
    worker.unref(); // never keeps the process alive on its own
    const t = new Telemetry(worker, opts.retentionSeconds);
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromTelemetry) => {
        if (msg.type === 'ready') {
          t.devices = msg.devices;
          t.notes = msg.notes;
          t.sensors = msg.sensors;
          t.missing = msg.missing;
          resolve();
        } else t.onMessage(msg);
      });
      worker.on('error', (err) => {
        t.failure = err;
        reject(err);
        t.releaseAll();
      });
    });
    t.send({ type: 'init', samplers: [...opts.samplers], options: opts.options });
    await ready;
    return t;
  }

  /** Sensors and missing sensors of one device. */
  sensorsOf(device: string): { sensors: SensorInfo[]; missing: MissingSensor[] } {
    return { sensors: this.sensors.filter((s) => s.device === device), missing: this.missing.filter((m) => m.device === device) };
  }

  /**
   * Reads every counter now and waits until all samples so far are in the store;
   * `settle` also ends the energy-per-process period there (at a run's end).
   */
  flush(settle = false): Promise<void> {
    if (!this.worker || this.failure) return Promise.resolve();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.flushes.set(id, resolve);
      this.send({ type: 'flush', id, ...(settle ? { settle } : {}) });
    });
  }

  /** A device's measured idle power (W) for the energy-per-process split, preferred over the one it learns. */
  setIdleBaseline(device: string, watts: number | null): void {
    this.send({ type: 'idle', device, watts });
  }

  async stop(): Promise<void> {
    if (!this.worker) return;
    if (!this.failure) {
      await new Promise<void>((resolve) => {
        this.stopped = resolve;
        this.send({ type: 'stop' });
        setTimeout(resolve, 2000).unref(); // a sampler stuck in a read does not hold the run
      });
    }
    await this.worker.terminate();
  }

  private send(msg: ToTelemetry): void {
    this.worker?.postMessage(msg);
  }

  private onMessage(msg: FromTelemetry): void {
    if (msg.type === 'samples') {
      this.store.add(msg.samples);
      this.stats = msg.stats;
      if (msg.health) this.takeHealth(msg.health);
      if (msg.processes) this.processes = msg.processes;
    }
    else if (msg.type === 'flushed') {
      this.stats = msg.stats;
      this.flushes.get(msg.id)?.();
      this.flushes.delete(msg.id);
    } else if (msg.type === 'stopped') this.stopped?.();
  }

  /** Calls `listener` with every later change of a device's health (state, or which reads fail and why). */
  onHealthChange(listener: (change: HealthChange) => void): void {
    this.healthListeners.push(listener);
  }

  private takeHealth(batch: HealthBatch): void {
    this.health = batch.devices;
    for (const c of batch.changes) {
      this.healthChanges.push(c);
      for (const listener of this.healthListeners) listener(c);
    }
    if (this.healthChanges.length > MAX_HEALTH_CHANGES) this.healthChanges.splice(0, this.healthChanges.length - MAX_HEALTH_CHANGES);
  }

  private releaseAll(): void {
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }
}
