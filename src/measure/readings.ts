/**
 * A device's power readings over an interval, as the sensor gave them: for
 * the spread of the idle baseline (src/measure/idle.ts) and the range that
 * bounds what a part-time sensor may have missed (src/measure/sensor-terms.ts).
 */
import type { SampleStore } from '../telemetry/store.js';

/**
 * Readings in [t0, t1], W: the device's power series where it has one, else
 * the power between successive samples of its energy counter (for a counter
 * updated far more often than it is sampled, such as RAPL's).
 */
export function powerReadings(store: SampleStore, device: string, t0Ns: number, t1Ns: number): number[] {
  const power = store.get(device, 'power');
  const out: number[] = [];
  if (power) {
    for (let i = power.lowerBound(t0Ns); i < power.length && power.t[i]! <= t1Ns; i++) out.push(power.v[i]!);
    return out;
  }
  const energy = store.get(device, 'energy');
  if (!energy) return out;
  for (let i = Math.max(1, energy.lowerBound(t0Ns)); i < energy.length && energy.t[i]! <= t1Ns; i++) {
    const dt = (energy.t[i]! - energy.t[i - 1]!) / 1e9;
    if (dt > 0 && energy.t[i - 1]! >= t0Ns) out.push((energy.v[i]! - energy.v[i - 1]!) / dt);
  }
  return out;
}

/**
 * The mean over the windows of the range (highest − lowest) of the readings
 * within each window, W; null when no window had two readings. Within each
 * window, so that the pauses between windows (where the device idles) do not
 * widen it.
 */
export function withinWindowRange(store: SampleStore, device: string, windows: ReadonlyArray<{ startNs: number; endNs: number }>): number | null {
  const ranges: number[] = [];
  for (const w of windows) {
    const r = powerReadings(store, device, w.startNs, w.endNs);
    if (r.length >= 2) ranges.push(r.reduce((a, b) => Math.max(a, b)) - r.reduce((a, b) => Math.min(a, b)));
  }
  return ranges.length ? ranges.reduce((a, b) => a + b, 0) / ranges.length : null;
}
