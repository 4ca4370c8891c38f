/**
 * Energy per process, kept in the telemetry worker: every accounting period
 * the energy each device's counter advanced by (from the samples the samplers
 * just read: NVML's counter for a GPU, RAPL's package counter for the CPU) is
 * split among its processes by their activity (process-ledger.ts). The main
 * thread receives the ledgers' snapshots with the sample batches, so that a
 * scrape only reads memory.
 */
import { monotonicNs } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import { PROC_ROOT } from './procfs.js';
import { PROCESS_GRACE_SECONDS, ProcessLedger, type DeviceProcessEnergy, type ProcessActivity } from './process-ledger.js';
import { CpuActivity, GpuActivity, type ActivitySource } from './process-sources.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { Sample } from './types.js';


/** What the worker sends with each batch. */
export interface ProcessAccountingSnapshot {
  devices: DeviceProcessEnergy[];
  /** Why a device's processes could not be read, by device (the latest problem; absent once reads work again). */
  problems: Record<string, string>;
}

/** A reader of processes' activity, the devices it covers, and what their activity is. */
interface Source {
  source: ActivitySource;
  devices: string[];
  kind: DeviceProcessEnergy['activityKind'];
}

interface Meter {
  ledger: ProcessLedger;
  /** The device's newest energy reading and the one the last period ended at (t ns, J). */
  latest: { t: number; joules: number } | null;
  base: { t: number; joules: number } | null;
}

export class ProcessAccounting {
  private readonly meters = new Map<string, Meter>();
  private lastTickNs = monotonicNs();
  /** Whether the split changed since the last snapshot taken for a batch. */
  private changed = true;

  private constructor(
    private readonly sources: Source[],
    graceSeconds: number,
  ) {
    for (const s of sources) for (const d of s.devices) this.meters.set(d, { ledger: new ProcessLedger(d, s.kind, graceSeconds * 1e9), latest: null, base: null });
  }

  /** For the started samplers: NVML's GPUs, and the CPU where RAPL has a counter; null when there is neither. */
  static create(samplers: readonly Sampler[], options: SamplerOptions): ProcessAccounting | null {
    const procRoot = options.procRoot ?? PROC_ROOT;
    const sources: Source[] = [];
    const nvml = samplers.find((s) => s.id === 'nvml');
    const gpus = (nvml?.devices ?? []).map((d) => ({ id: d.id, index: Number(d.identity?.index) })).filter((g) => Number.isInteger(g.index));
    const gpu = GpuActivity.open(gpus, procRoot);
    if (gpu) sources.push({ source: gpu, devices: gpus.map((g) => g.id), kind: 'sm' });
    const rapl = samplers.find((s) => s.id === 'rapl');
    if (rapl && rapl.sensors.length > 0) sources.push({ source: new CpuActivity(options.cpuDevice, procRoot), devices: [options.cpuDevice], kind: 'cpu-time' });
    return sources.length ? new ProcessAccounting(sources, options.processGraceSeconds ?? PROCESS_GRACE_SECONDS) : null;
  }

  /** Notes the devices' energy readings among samples just read. */
  observe(samples: readonly Sample[]): void {
    for (const s of samples) {
      if (s.quantity !== 'energy' || s.component !== undefined) continue;
      const m = this.meters.get(s.device);
      if (!m || (m.latest && s.t < m.latest.t)) continue;
      m.latest = { t: s.t, joules: s.value };
      // The first reading starts the first period.
      m.base ??= m.latest;
    }
  }

  /** Ends a period: each device's energy since the last one, split by its processes' activity in it. */
  tick(): void {
    const now = monotonicNs();
    const seconds = (now - this.lastTickNs) / 1e9;
    this.lastTickNs = now;
    this.changed = true;
    for (const { source, devices } of this.sources) {
      const activity = this.readSafely(source, devices, seconds);
      for (const device of devices) {
        const m = this.meters.get(device)!;
        const list = activity.get(device);
        if (m.latest && m.base && list && m.latest.t > m.base.t) {
          m.ledger.account(m.latest.joules - m.base.joules, (m.latest.t - m.base.t) / 1e9, list, m.latest.t);
        }
        // A device whose processes could not be read loses that period's split (its energy stays the device's).
        m.base = m.latest;
      }
    }
  }

  /** The source's reading; none (the period's split lost, the problem kept) when it fails unexpectedly. */
  private readSafely(source: ActivitySource, devices: readonly string[], seconds: number): Map<string, ProcessActivity[]> {
    try {
      return source.read(seconds);
    } catch (err) {
      for (const d of devices) source.problems.set(d, describeError(err));
      return new Map();
    }
  }

  /** A measured idle baseline for a device (W), preferred over the learnt one. */
  setIdleBaseline(device: string, watts: number | null): void {
    this.meters.get(device)?.ledger.setIdleBaseline(watts);
    this.changed = true;
  }

  /** The split for a batch, or null when it has not changed since the last one (the main thread keeps the last). */
  changedSnapshot(): ProcessAccountingSnapshot | null {
    if (!this.changed) return null;
    this.changed = false;
    return this.snapshot();
  }

  snapshot(): ProcessAccountingSnapshot {
    const problems: Record<string, string> = {};
    for (const { source } of this.sources) for (const [d, p] of source.problems) problems[d] = p;
    return { devices: [...this.meters.values()].map((m) => m.ledger.snapshot()), problems };
  }

  close(): void {
    for (const { source } of this.sources) source.close?.();
  }
}
