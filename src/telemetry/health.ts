/**
 * Device health: which of a device's reads fail and why, as a state ("ok",
 * "degraded": some reads fail, "lost": the driver says the device is gone)
 * that changes only when the set of failing reads or their errors change, so
 * that a log line or a report note comes once per change, never once per sample.
 */

/** "ok": every read works; "degraded": some fail; "lost": the driver reports the device lost. */
export type HealthState = 'ok' | 'degraded' | 'lost';

/** Why one read (a sensor or group of quantities) failed. */
export interface SensorError {
  /** The vendor's return code (e.g. an NVML_ERROR_*), part of what makes two errors the same. */
  code: number;
  /** One line: the call and the vendor's message. */
  message: string;
  /** The error says the device itself is gone (NVML_ERROR_GPU_IS_LOST). */
  lost: boolean;
}

/** A device's health and its error counters, as its sampler last saw them. */
export interface DeviceHealth {
  device: string;
  state: HealthState;
  /** The failing reads, "sensor: error" joined by "; "; "" when ok. */
  reason: string;
  /** Critical Xid events seen since the sampler started, by Xid code (count). Absent where the driver gives no events. */
  xid?: Record<string, number>;
  /** Volatile ECC error counts since the driver loaded (count). Absent where the device has none. */
  ecc?: { corrected: number; uncorrected: number };
  /** Remapped DRAM rows (count) and the remapping flags. Absent where the device has none. */
  remappedRows?: { correctable: number; uncorrectable: number; pending: boolean; failureOccurred: boolean };
}

/** A change of a device's health: its state, or which reads fail and why. */
export interface HealthChange {
  /** When it was seen, milliseconds since the epoch. */
  at: number;
  device: string;
  state: HealthState;
  previous: HealthState;
  /** The failing reads now; "" when the device is ok again. */
  reason: string;
}

/** The one line a change is logged and noted as. */
export function describeHealthChange(c: HealthChange): string {
  return c.state === 'ok' ? `device ${c.device} ok again (was ${c.previous})` : `device ${c.device} ${c.state}: ${c.reason}`;
}

interface Tracked {
  failing: Map<string, SensorError>;
  state: HealthState;
  /** The failing reads and codes at the last commit, to tell a change from the same failure read again. */
  signature: string;
}

/** Health per device from each read's success or failure; a change comes out once, at the commit after it. */
export class HealthTracker {
  private readonly devices = new Map<string, Tracked>();
  private changes: HealthChange[] = [];

  private tracked(device: string): Tracked {
    let t = this.devices.get(device);
    if (!t) this.devices.set(device, (t = { failing: new Map(), state: 'ok', signature: '' }));
    return t;
  }

  /** Records one read of a sensor: its error, or null when it worked. A sensor not read keeps its last status. */
  record(device: string, sensor: string, error: SensorError | null): void {
    const t = this.tracked(device);
    if (error) t.failing.set(sensor, error);
    else t.failing.delete(sensor);
  }

  /** Ends a device's read cycle: returns the change, if its failing reads differ from the last commit's. */
  commit(device: string, now = Date.now()): HealthChange | null {
    const t = this.tracked(device);
    const sensors = [...t.failing.keys()].sort();
    const signature = sensors.map((s) => `${s}=${t.failing.get(s)!.code}`).join(',');
    if (signature === t.signature) return null;
    const state: HealthState = [...t.failing.values()].some((e) => e.lost) ? 'lost' : sensors.length ? 'degraded' : 'ok';
    const change: HealthChange = { at: now, device, state, previous: t.state, reason: this.reason(device) };
    t.signature = signature;
    t.state = state;
    this.changes.push(change);
    return change;
  }

  /** The state at the last commit ("ok" for a device never seen failing). */
  state(device: string): HealthState {
    return this.devices.get(device)?.state ?? 'ok';
  }

  /** The failing reads, "sensor: error" joined by "; " in sensor order; "" when none. */
  reason(device: string): string {
    const failing = this.devices.get(device)?.failing ?? new Map<string, SensorError>();
    return [...failing.keys()]
      .sort()
      .map((s) => `${s}: ${failing.get(s)!.message}`)
      .join('; ');
  }

  /** The changes since the last drain, oldest first. */
  drain(): HealthChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }
}

/** What a sampler that tracks health reports after each read. */
export interface SamplerHealth {
  /** Every device it watches, now. */
  devices: DeviceHealth[];
  /** Changes since its last report, oldest first. */
  changes: HealthChange[];
  /** The read's failed calls, one line; null when every call worked (counted in flopmeter_sampler_errors_total). */
  readError: string | null;
}

/** A run's report notes: the health changes seen since it started (ms since the epoch), each with its time. */
export function healthNotes(changes: readonly HealthChange[], sinceMs: number): string[] {
  return changes.filter((c) => c.at >= sinceMs).map((c) => `health at ${new Date(c.at).toISOString()}: ${describeHealthChange(c)}`);
}
