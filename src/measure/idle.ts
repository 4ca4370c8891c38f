/**
 * The idle baseline: telemetry with no work running, so that power above
 * idle ("dynamic") can be reported beside total power.
 */
import { monotonicNs, sleep } from '../core/clock.js';
import type { Telemetry } from '../telemetry/service.js';
import { counterEnergy, integratePower } from '../telemetry/energy.js';

export type IdleBaseline =
  | { watts: number; seconds: number; method: 'counter' | 'integrated'; startNs: number; endNs: number }
  | { watts: null; reason: string };

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
  const counter = telemetry.store.get(device, 'energy');
  const joules = counter ? counterEnergy(counter, startNs, endNs) : null;
  if (joules !== null) return { watts: joules / wall, seconds: wall, method: 'counter', startNs, endNs };
  const power = telemetry.store.get(device, 'power');
  const integral = power ? integratePower(power, startNs, endNs) : null;
  if (integral && integral.coverage > 0.9) return { watts: integral.joules / wall, seconds: wall, method: 'integrated', startNs, endNs };
  return { watts: null, reason: 'the sensor gave no readings during the idle baseline' };
}
