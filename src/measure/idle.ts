/**
 * The idle baseline: telemetry with no work running, so that power above
 * idle ("dynamic") can be reported beside total power.
 */
import { monotonicNs, sleep } from '../core/clock.js';
import type { Telemetry } from '../telemetry/service.js';
import { counterEnergy, integratePower } from '../telemetry/energy.js';
import { meanWithAutocorrelation } from './autocorrelation.js';
import { powerReadings } from './readings.js';

/** How well the idle baseline's readings pin its mean down (absent in reports written before it was recorded). */
export interface IdleSpread {
  /** Standard uncertainty of the idle mean from the readings' spread, W: s / √n_eff (src/measure/autocorrelation.ts). */
  uWatts: number;
  /** Effective number of independent readings behind uWatts (successive readings are autocorrelated). */
  effectiveReadings: number;
  /** Readings taken during the baseline. */
  readings: number;
  /** Highest − lowest reading, W (bounds what a part-time sensor may have missed). */
  rangeWatts: number;
}

export type IdleBaseline =
  | { watts: number; seconds: number; method: 'counter' | 'integrated'; startNs: number; endNs: number; spread?: IdleSpread }
  | { watts: null; reason: string };

/** The spread of the readings taken during the baseline; undefined with fewer than two. */
export function idleSpread(readings: readonly number[]): IdleSpread | undefined {
  const m = meanWithAutocorrelation(readings);
  if (!m) return undefined;
  const rangeWatts = readings.reduce((a, b) => Math.max(a, b)) - readings.reduce((a, b) => Math.min(a, b));
  return { uWatts: m.standardError, effectiveReadings: m.effectiveN, readings: readings.length, rangeWatts };
}

/** Whether the device has a device-level power or energy sensor. */
export function hasPowerSensor(telemetry: Telemetry, device: string): boolean {
  return telemetry.sensorsOf(device).sensors.some((s) => (s.quantity === 'energy' || s.quantity === 'power') && !s.component);
}

/** Samples `seconds` of idle; skipped (with the reason) when the device has no power or energy sensor. */
export async function idleBaseline(telemetry: Telemetry, device: string, seconds: number, signal: AbortSignal): Promise<IdleBaseline> {
  if (!hasPowerSensor(telemetry, device)) {
    return { watts: null, reason: 'no power or energy sensor: idle baseline skipped' };
  }
  await telemetry.flush();
  const startNs = monotonicNs();
  await sleep(seconds, signal);
  const endNs = monotonicNs();
  await telemetry.flush();
  const wall = (endNs - startNs) / 1e9;
  const spread = idleSpread(powerReadings(telemetry.store, device, startNs, endNs));
  const extra = spread ? { spread } : {};
  const counter = telemetry.store.get(device, 'energy');
  const joules = counter ? counterEnergy(counter, startNs, endNs) : null;
  if (joules !== null) return { watts: joules / wall, seconds: wall, method: 'counter', startNs, endNs, ...extra };
  const power = telemetry.store.get(device, 'power');
  const integral = power ? integratePower(power, startNs, endNs) : null;
  if (integral && integral.coverage > 0.9) return { watts: integral.joules / wall, seconds: wall, method: 'integrated', startNs, endNs, ...extra };
  return { watts: null, reason: 'the sensor gave no readings during the idle baseline' };
}
