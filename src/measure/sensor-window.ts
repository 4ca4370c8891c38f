/**
 * How short a measurement window may be for the power sensor in use. Every
 * preset spans at least MIN_UPDATES_PER_WINDOW of the sensor's updates; the
 * sensor's recommended minimum (e.g. 5 s for a reading averaged over 1 s, or
 * a part-time-sampled counter) is honoured where the preset says so, and
 * where it is not (`quick`) the result says its energy figures are coarse.
 */
import type { SensorInfo } from '../telemetry/types.js';

/**
 * Fewest sensor updates in one window. A window's energy from a counter that
 * steps every p seconds is off by up to one step at each end, ±p/T of the
 * window's energy; with 4 updates that is at most ±25 % per window before the
 * windows average it down, and NVML's 100 ms updates raise `quick`'s 0.2 s
 * windows only to 0.4 s. Fewer and a window may see a single update.
 */
export const MIN_UPDATES_PER_WINDOW = 4;

const powerSensors = (sensors: readonly SensorInfo[]): SensorInfo[] => sensors.filter((s) => s.quantity === 'power' || s.quantity === 'energy');

/** The floor every preset keeps: MIN_UPDATES_PER_WINDOW update periods of the slowest power or energy sensor, s (0 where none states its period). */
export function updateFloorSeconds(sensors: readonly SensorInfo[]): number {
  return powerSensors(sensors).reduce((m, s) => Math.max(m, MIN_UPDATES_PER_WINDOW * (s.updateIntervalSeconds ?? 0)), 0);
}

/** The longest minimum window a power or energy sensor recommends, s (0 where none does). */
export function recommendedWindowSeconds(sensors: readonly SensorInfo[]): number {
  return powerSensors(sensors).reduce((m, s) => Math.max(m, s.minWindowSeconds ?? 0), 0);
}

/** What a result says when its windows are shorter than its sensor recommends (only a preset that does not honour it). */
export function coarseEnergyNote(windowSeconds: number, sensors: readonly SensorInfo[]): string | null {
  const recommended = recommendedWindowSeconds(sensors);
  if (windowSeconds >= recommended) return null;
  return `energy figures are coarse: ${windowSeconds} s windows are shorter than the ${recommended} s the power sensor needs for reliable energy (at least ${MIN_UPDATES_PER_WINDOW} of its updates are kept); use --preset standard or full for energy`;
}
