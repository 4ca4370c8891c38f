/**
 * The Sampler seam: a source of samples, built and read inside the telemetry
 * worker so that sampling never runs on the measuring threads.
 */
import type { MissingSensor, Sample, SensorInfo } from './types.js';
import type { TelemetryDevice } from './devices.js';
import type { SamplerHealth } from './health.js';

export interface Sampler {
  readonly id: string;
  /** The physical devices its samples are about. */
  readonly devices: TelemetryDevice[];
  /** Sensors it reads. */
  readonly sensors: SensorInfo[];
  /** Sensors it looked for and could not read, with why. */
  readonly missing: MissingSensor[];
  /** What the sampler has to say about itself (its library, or why it has nothing). */
  readonly notes?: string[];
  /** Period between reads, seconds. */
  readonly periodSeconds: number;
  /** True for accumulating counters, which are also read on demand at window edges. */
  readonly counter: boolean;
  read(): Sample[] | Promise<Sample[]>;
  /** For a sampler that tracks its devices' health: the state after the last read (health.ts). */
  health?(): SamplerHealth;
  close?(): void | Promise<void>;
}

/** Options a sampler factory takes (from the run's configuration). */
export interface SamplerOptions {
  /** Device id the host's CPU carries in this run. */
  cpuDevice: string;
  /** Override of the period, seconds. */
  periodSeconds?: number;
  /** Root of the powercap tree (tests point it at a fixture). */
  powercapRoot?: string;
  /** Period of the GPU samplers (NVML, nvidia-smi, amdgpu), seconds. */
  gpuPeriodSeconds?: number;
  /** Roots of procfs and sysfs for the host and hwmon samplers (tests point them at fixtures). */
  procRoot?: string;
  sysRoot?: string;
  /** How long an ended process keeps its energy series, seconds (process-accounting.ts; default 120). */
  processGraceSeconds?: number;
}

export type SamplerFactory = (options: SamplerOptions) => Promise<Sampler>;
