/**
 * The health of the GPUs the NVML sampler reads: every read of a quantity
 * goes through `attempt`, so that one failing call costs only what it
 * provides and is recorded as that sensor's error; ECC counters and remapped
 * rows are read once a second, critical Xid events polled on every read.
 */
import { describeError, VendorError } from '../core/errors.js';
import { HealthTracker, type DeviceHealth, type SamplerHealth, type SensorError } from './health.js';
import { NVML_ERROR_GPU_IS_LOST, NvmlHealth } from './nvml-health.js';
import { NVML_ERROR_NOT_SUPPORTED, type Nvml } from './nvml.js';

/** ECC counters and remapped rows change rarely; once a second keeps them current at a cost that does not grow with the sampling rate. */
const COUNTER_PERIOD_MS = 1000;

interface Watched {
  handle: unknown;
  /** Xid counts by code, or null where the GPU gives no events. */
  xid: Map<number, number> | null;
  ecc?: DeviceHealth['ecc'];
  remappedRows?: DeviceHealth['remappedRows'];
  countersReadAt: number;
}

function sensorError(err: unknown): SensorError {
  if (err instanceof VendorError) return { code: err.code, message: `${err.call} failed: ${err.vendorName} (${err.code}): ${err.vendorMessage}`, lost: err.code === NVML_ERROR_GPU_IS_LOST };
  return { code: -1, message: describeError(err), lost: false };
}

export class NvmlHealthMonitor {
  /** What the monitor found it cannot watch (events not supported, ...). */
  readonly notes: string[] = [];
  private readonly bindings: NvmlHealth;
  private readonly tracker = new HealthTracker();
  private readonly gpus = new Map<string, Watched>();
  private readonly byAddress = new Map<bigint, string>();
  private cycleErrors: string[] = [];

  constructor(nvml: Nvml) {
    this.bindings = new NvmlHealth(nvml);
  }

  /** Starts watching a GPU: registers it for critical Xid events where it has them. */
  add(device: string, handle: unknown): void {
    const w: Watched = { handle, xid: null, countersReadAt: -Infinity };
    this.gpus.set(device, w);
    try {
      if (this.bindings.watchXid(handle)) {
        w.xid = new Map();
        this.byAddress.set(NvmlHealth.address(handle), device);
      } else this.notes.push(`${device}: NVML gives no critical Xid events for this GPU (not supported)`);
    } catch (err) {
      this.notes.push(`${device}: critical Xid events not watched: ${describeError(err)}`);
    }
  }

  /** Starts a read of every GPU. */
  begin(): void {
    this.cycleErrors = [];
  }

  /** Runs one read; its failure is recorded as the sensor's error and costs only its result (null). */
  attempt<T>(device: string, sensor: string, read: () => T): T | null {
    try {
      const value = read();
      this.tracker.record(device, sensor, null);
      return value;
    } catch (err) {
      const e = sensorError(err);
      this.tracker.record(device, sensor, e);
      this.cycleErrors.push(`${device} ${sensor}: ${e.message}`);
      return null;
    }
  }

  /** Reads the ECC counters and remapped rows when they are due; "not supported" leaves them absent. */
  readCounters(device: string, nowMs: number): void {
    const w = this.gpus.get(device)!;
    if (nowMs - w.countersReadAt < COUNTER_PERIOD_MS) return;
    w.countersReadAt = nowMs;
    w.ecc = this.attempt(device, 'ecc', () => this.bindings.ecc(w.handle)) ?? undefined;
    w.remappedRows = this.attempt(device, 'remapped rows', () => this.bindings.remappedRows(w.handle)) ?? undefined;
  }

  /** Counts the critical Xid events waiting now. */
  pollEvents(): void {
    try {
      for (const e of this.bindings.pollXid()) {
        const w = this.gpus.get(this.byAddress.get(e.handle) ?? '');
        w?.xid?.set(e.xid, (w.xid.get(e.xid) ?? 0) + 1);
      }
    } catch (err) {
      // The event set spans the GPUs: its failure is the read's error, no one device's.
      const e = sensorError(err);
      if (e.code !== NVML_ERROR_NOT_SUPPORTED) this.cycleErrors.push(`Xid events: ${e.message}`);
    }
  }

  /** Ends a GPU's read: its health changes, if any, are queued for the next report. */
  commit(device: string): void {
    this.tracker.commit(device);
  }

  /** Every GPU's health now, the changes since the last report, and this read's errors. */
  report(): SamplerHealth {
    const devices = [...this.gpus].map(([device, w]): DeviceHealth => ({
      device,
      state: this.tracker.state(device),
      reason: this.tracker.reason(device),
      ...(w.xid ? { xid: Object.fromEntries([...w.xid].map(([code, n]) => [String(code), n])) } : {}),
      ...(w.ecc ? { ecc: w.ecc } : {}),
      ...(w.remappedRows ? { remappedRows: w.remappedRows } : {}),
    }));
    return { devices, changes: this.tracker.drain(), readError: this.cycleErrors.length ? this.cycleErrors.join('; ') : null };
  }

  close(): void {
    this.bindings.close();
  }
}
