/**
 * Energy over a time window from telemetry: the difference of an energy
 * counter, or the integral of power samples (trapezoids), and summaries of
 * other quantities over a window.
 */
import type { Series } from './store.js';

/** The series' value at time t by linear interpolation; null outside the sampled span. */
export function valueAt(series: Series, t: number): number | null {
  const n = series.length;
  if (n === 0 || t < series.t[0]! || t > series.t[n - 1]!) return null;
  const i = series.lowerBound(t);
  if (series.t[i] === t) return series.v[i]!;
  const t0 = series.t[i - 1]!;
  const t1 = series.t[i]!;
  const v0 = series.v[i - 1]!;
  const v1 = series.v[i]!;
  return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
}

/** Energy (J) between t0 and t1 from a cumulative counter in joules; null unless samples bracket both ends. */
export function counterEnergy(counter: Series, t0Ns: number, t1Ns: number): number | null {
  const a = valueAt(counter, t0Ns);
  const b = valueAt(counter, t1Ns);
  return a === null || b === null ? null : b - a;
}

export interface Integral {
  joules: number;
  /** Fraction of [t0, t1] covered by samples (the rest is not extrapolated). */
  coverage: number;
}

/** ∫ P dt over [t0, t1] in joules by the trapezoid rule, interpolating at the ends; null without samples in range. */
export function integratePower(power: Series, t0Ns: number, t1Ns: number): Integral | null {
  const n = power.length;
  if (n === 0 || t1Ns <= t0Ns) return null;
  const start = Math.max(t0Ns, power.t[0]!);
  const end = Math.min(t1Ns, power.t[n - 1]!);
  if (end <= start) return null;
  const points: Array<[number, number]> = [[start, valueAt(power, start)!]];
  for (let i = power.lowerBound(start); i < n && power.t[i]! < end; i++) if (power.t[i]! > start) points.push([power.t[i]!, power.v[i]!]);
  points.push([end, valueAt(power, end)!]);
  let joules = 0;
  for (let i = 1; i < points.length; i++) {
    const [ta, pa] = points[i - 1]!;
    const [tb, pb] = points[i]!;
    joules += ((pa + pb) / 2) * ((tb - ta) / 1e9);
  }
  return { joules, coverage: (end - start) / (t1Ns - t0Ns) };
}

export interface RangeStats {
  min: number;
  mean: number;
  max: number;
  count: number;
}

/** Min, mean and max of the samples taken within [t0, t1]; null when there are none. */
export function rangeStats(series: Series, t0Ns: number, t1Ns: number): RangeStats | null {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let i = series.lowerBound(t0Ns); i < series.length && series.t[i]! <= t1Ns; i++) {
    const v = series.v[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? null : { min, mean: sum / count, max, count };
}

/** Bitwise OR of a flags series over [t0, t1] (every throttle reason seen), all 64 bits. */
export function flagsSeen(series: Series, t0Ns: number, t1Ns: number): bigint {
  let mask = BigInt(0);
  for (let i = series.lowerBound(t0Ns); i < series.length && series.t[i]! <= t1Ns; i++) mask |= series.maskAt(i);
  return mask;
}
