/**
 * Telemetry data: timestamped samples on the run's monotonic clock, and the
 * description of each sensor that produces them.
 */

/** What a sample measures. Units are fixed per quantity (SI). */
export type Quantity =
  | 'power' // W
  | 'energy' // J, cumulative since the sampler started (wrap-arounds unwrapped)
  | 'utilization' // ratio 0..1
  | 'clock' // Hz
  | 'temperature' // °C
  | 'throttle' // 64-bit mask, exact in Sample.mask; names in SensorInfo.flags
  | 'memory.used' // bytes
  | 'memory.total' // bytes
  | 'pstate'; // performance state number

export const QUANTITY_UNIT: Record<Quantity, string> = {
  power: 'W',
  energy: 'J',
  utilization: 'ratio',
  clock: 'Hz',
  temperature: '°C',
  throttle: 'flags',
  'memory.used': 'byte',
  'memory.total': 'byte',
  pstate: 'state',
};

export interface Sample {
  /** Monotonic nanoseconds (src/core/clock.ts). */
  t: number;
  device: string;
  quantity: Quantity;
  /** Sub-part: a core, a RAPL zone, "instant" vs "average" power. Absent for the device-level series. */
  component?: string;
  value: number;
  /**
   * For 'throttle': the exact 64-bit mask (NVML returns unsigned long long);
   * `value` then holds Number(mask), exact only below 2^53.
   */
  mask?: bigint;
}

/** A sensor's stated accuracy, for the type B uncertainty. */
export interface SensorAccuracy {
  /** ± fraction of the reading. */
  relative?: number;
  /** ± absolute amount in the quantity's unit; for an energy counter in watts (a power offset: an error in joules would grow with time). */
  absolute?: number;
  /** Where the figure comes from (datasheet, documentation, or an assumption and why). */
  source: string;
}

export interface SensorInfo {
  sampler: string;
  device: string;
  quantity: Quantity;
  component?: string;
  unit: string;
  description: string;
  accuracy?: SensorAccuracy;
  /** Smallest step of a reading, in the quantity's unit. */
  resolution?: number;
  /** How often the hardware updates the reading, seconds. */
  updateIntervalSeconds?: number;
  /** The reading is an average over this many seconds (e.g. 1 s for NVML's power on recent GPUs). */
  averagingSeconds?: number;
  /** Fraction of the time the sensor actually observes (1 for an accumulating counter). */
  observedFraction?: number;
  /** Subsystems the reading covers (e.g. RAPL zones). */
  covers?: string[];
  /** Windows shorter than this give unreliable energy from this sensor, seconds. */
  minWindowSeconds?: number;
  /** Names of the bits of a 'throttle' mask, keyed by the bit's value in decimal (exact for all 64 bits). */
  flags?: Record<string, string>;
}

/** A sensor that is not there, and why: reported as missing, never as zero. */
export interface MissingSensor {
  sampler: string;
  device: string;
  quantity: Quantity;
  reason: string;
}
