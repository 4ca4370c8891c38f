/**
 * What telemetry says about one result: each series' range over the
 * windows, throttle reasons, achieved sample rates, and a decimated timeline
 * for charts.
 */
import type { Telemetry } from '../telemetry/service.js';
import { flagsSeen, rangeStats } from '../telemetry/energy.js';
import type { Series } from '../telemetry/store.js';
import { QUANTITY_UNIT, type SensorInfo } from '../telemetry/types.js';
import type { QuantitySummary, TelemetrySummary, TimelineSeries } from './result.js';

/** Points per timeline series: enough for a chart's width, small in the report. */
const TIMELINE_POINTS = 200;

/** Names of the bits set in a 64-bit throttle mask (`bit<n>` for a bit the sensor does not name). */
export function throttleNames(mask: bigint, sensor: SensorInfo | undefined): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    const value = BigInt(1) << BigInt(bit);
    if (mask & value) names.push(sensor?.flags?.[value.toString()] ?? `bit${bit}`);
  }
  return names;
}

/** A 64-bit mask as the report keeps it: 16 hexadecimal digits (JSON numbers are exact only below 2^53). */
export function maskHex(mask: bigint): string {
  return `0x${mask.toString(16).padStart(16, '0')}`;
}

function decimate(series: Series, t0: number, t1: number, origin: number): { t: number[]; v: number[] } {
  const from = series.lowerBound(t0);
  let to = series.lowerBound(t1);
  if (to < series.length && series.t[to] === t1) to++;
  const n = to - from;
  const stride = Math.max(1, Math.ceil(n / TIMELINE_POINTS));
  const t: number[] = [];
  const v: number[] = [];
  for (let i = from; i < to; i += stride) {
    const end = Math.min(to, i + stride);
    let st = 0;
    let sv = 0;
    for (let j = i; j < end; j++) {
      st += series.t[j]!;
      sv += series.v[j]!;
    }
    t.push((st / (end - i) - origin) / 1e9);
    v.push(sv / (end - i));
  }
  return { t, v };
}

/** Power from consecutive readings of an energy counter, for the timeline where no power sensor exists. */
function powerFromCounter(energy: Series, t0: number, t1: number, origin: number): { t: number[]; v: number[] } {
  const from = Math.max(1, energy.lowerBound(t0));
  const t: number[] = [];
  const v: number[] = [];
  for (let i = from; i < energy.length && energy.t[i]! <= t1; i++) {
    const dt = (energy.t[i]! - energy.t[i - 1]!) / 1e9;
    if (dt <= 0) continue;
    t.push(((energy.t[i]! + energy.t[i - 1]!) / 2 - origin) / 1e9);
    v.push((energy.v[i]! - energy.v[i - 1]!) / dt);
  }
  const stride = Math.max(1, Math.ceil(t.length / TIMELINE_POINTS));
  return stride === 1 ? { t, v } : { t: t.filter((_, i) => i % stride === 0), v: v.filter((_, i) => i % stride === 0) };
}

export function summarizeTelemetry(telemetry: Telemetry, device: string, t0: number, t1: number, energySensor: SensorInfo | null): TelemetrySummary {
  const { sensors, missing } = telemetry.sensorsOf(device);
  const quantities: QuantitySummary[] = [];
  const timeline: TimelineSeries[] = [];
  const sampleRateHz: Record<string, number> = {};
  const seconds = (t1 - t0) / 1e9;
  let throttleMask = BigInt(0);
  for (const { quantity, component, series } of telemetry.store.seriesOf(device)) {
    const unit = QUANTITY_UNIT[quantity];
    if (quantity === 'throttle') {
      if (!component) throttleMask |= flagsSeen(series, t0, t1);
      continue;
    }
    const stats = quantity === 'energy' ? null : rangeStats(series, t0, t1);
    if (stats) quantities.push({ quantity, ...(component ? { component } : {}), unit, min: stats.min, mean: stats.mean, max: stats.max, samples: stats.count });
    if (!component) {
      const sensor = sensors.find((s) => s.quantity === quantity && !s.component);
      const inRange = series.lowerBound(t1 + 1) - series.lowerBound(t0);
      if (sensor && seconds > 0) sampleRateHz[`${sensor.sampler}:${quantity}`] = inRange / seconds;
      if (quantity === 'energy') {
        if (!telemetry.store.get(device, 'power')) timeline.push({ quantity: 'power', unit: 'W', ...powerFromCounter(series, t0, t1, t0) });
      } else if (quantity !== 'memory.total' && quantity !== 'pstate') {
        timeline.push({ quantity, unit, ...decimate(series, t0, t1, t0) });
      }
    }
  }
  const throttleSensor = sensors.find((s) => s.quantity === 'throttle');
  return {
    sensors,
    missing,
    quantities,
    throttleReasons: throttleNames(throttleMask, throttleSensor),
    throttleMask: maskHex(throttleMask),
    sampleRateHz,
    observedFraction: energySensor?.observedFraction ?? null,
    timeline,
  };
}
