/** Messages between the telemetry service (main thread) and its worker. */
import type { SamplerOptions } from './sampler.js';
import type { MissingSensor, Sample, SensorInfo } from './types.js';
import type { TelemetryDevice } from './devices.js';
import type { DeviceHealth, HealthChange } from './health.js';
import type { ProcessAccountingSnapshot } from './process-accounting.js';

/** Per-sampler bookkeeping: how much the sampling itself costs, and how often it failed. */
export interface SamplerStats {
  sampler: string;
  reads: number;
  errors: number;
  lastError: string | null;
  /** Seconds spent inside reads (wall time in the telemetry thread). */
  busySeconds: number;
  /** Seconds since the sampler started. */
  elapsedSeconds: number;
}

export type ToTelemetry =
  | { type: 'init'; samplers: string[]; options: SamplerOptions }
  | { type: 'flush'; id: number; settle?: boolean }
  | { type: 'idle'; device: string; watts: number | null }
  | { type: 'stop' };

export type FromTelemetry =
  | { type: 'ready'; devices: TelemetryDevice[]; sensors: SensorInfo[]; missing: MissingSensor[]; notes: string[] }
  /** `processes`: the energy-per-process split, when it changed since the last batch. */
  | { type: 'samples'; samples: Sample[]; stats: SamplerStats[]; health?: HealthBatch; processes?: ProcessAccountingSnapshot }
  | { type: 'flushed'; id: number; stats: SamplerStats[] }
  | { type: 'stopped' };

/** Health of the devices whose samplers track it: each device now, and the changes since the last batch. */
export interface HealthBatch {
  devices: DeviceHealth[];
  changes: HealthChange[];
}
