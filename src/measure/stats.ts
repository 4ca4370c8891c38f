/**
 * Descriptive statistics and confidence intervals for small samples (window
 * values). Percentiles of iteration latencies come from the histogram
 * instead (src/measure/histogram.ts).
 */
import jStat from 'jstat';

/** Arithmetic mean; NaN for an empty sample. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n − 1 in the denominator); NaN with fewer than two values. */
export function variance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (n - 1);
}

/** Sample standard deviation. */
export function stdev(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Standard deviation relative to the mean. */
export function relStdDev(xs: readonly number[]): number {
  return stdev(xs) / Math.abs(mean(xs));
}

/**
 * The p-th percentile (p in [0, 100]) by linear interpolation between order
 * statistics (Hyndman & Fan type 7, the default of R, NumPy and Excel).
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside [0, 100]`);
  const sorted = [...xs].sort((a, b) => a - b);
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Beyond this many degrees of freedom t is the normal distribution (they differ by < 2e-5 at 0.975), and jStat's
 * t quantile loses its precision (0.47 at 1e15, 0 at 2e19: a budget with one tiny type A term reaches such dofs).
 */
const NORMAL_BEYOND_DOF = 1e5;

/** Quantile of Student's t distribution; the normal quantile when dof is infinite (or beyond NORMAL_BEYOND_DOF). */
export function tQuantile(p: number, dof: number): number {
  if (!(dof > 0)) return NaN;
  if (dof > NORMAL_BEYOND_DOF) return normalQuantile(p);
  return jStat.studentt.inv(p, dof);
}

/** Cumulative distribution of Student's t distribution; the normal one when dof is infinite (or beyond NORMAL_BEYOND_DOF). */
export function tCdf(x: number, dof: number): number {
  if (!(dof > 0)) return NaN;
  if (dof > NORMAL_BEYOND_DOF) return jStat.normal.cdf(x, 0, 1);
  return jStat.studentt.cdf(x, dof);
}

/** Quantile of the standard normal distribution. */
export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** A two-sided confidence interval for the mean. */
export interface MeanInterval {
  mean: number;
  /** Half-width of the interval (same unit as the values). */
  halfWidth: number;
  low: number;
  high: number;
  /** Degrees of freedom (n − 1). */
  dof: number;
  level: number;
}

/** Student-t confidence interval for the mean of independent values (default 95 %). */
export function meanInterval(xs: readonly number[], level = 0.95): MeanInterval {
  const n = xs.length;
  const m = mean(xs);
  const dof = n - 1;
  const half = n < 2 ? NaN : tQuantile(1 - (1 - level) / 2, dof) * (stdev(xs) / Math.sqrt(n));
  return { mean: m, halfWidth: half, low: m - half, high: m + half, dof, level };
}

/** Least-squares line through (x, y) points, with the slope's standard error and two-sided p-value. */
export interface Trend {
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  slopeStdError: number;
  /** Two-sided p-value of the slope against zero (Student t, n − 2 degrees of freedom). */
  p: number;
}

/** Ordinary least squares; null with fewer than three points or no spread in x. */
export function linearTrend(xs: readonly number[], ys: readonly number[]): Trend | null {
  const n = xs.length;
  if (n < 3 || ys.length !== n) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - (intercept + slope * xs[i]!)) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = se === 0 ? (slope === 0 ? 0 : Infinity) : Math.abs(slope / se);
  const p = Number.isFinite(t) ? 2 * (1 - tCdf(t, n - 2)) : 0;
  return { slope, intercept, slopeStdError: se, p };
}
