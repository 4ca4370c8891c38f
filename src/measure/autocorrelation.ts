/**
 * The standard error of the mean of an autocorrelated series, such as
 * successive readings of a power sensor: a sampler that reads twice per
 * sensor update sees each value twice, and a slowly varying power keeps
 * neighbouring readings alike, so n readings hold fewer than n independent
 * observations. The effective sample size n_eff = n / τ, with the integrated
 * autocorrelation time τ = 1 + 2 Σ_{k≥1} ρ_k estimated by Geyer's initial
 * positive sequence (Statistical Science 7(4), 1992): the autocorrelations
 * are summed in pairs Γ_m = ρ_{2m} + ρ_{2m+1} while the pairs stay positive,
 * so τ = −1 + 2 Σ_{m<M} Γ_m.
 */
import { mean, stdev } from './stats.js';

/** Sample autocorrelation at lag k (the biased estimator, 1/n, as Geyer uses). */
function autocorrelation(x: readonly number[], m: number, c0: number, k: number): number {
  let s = 0;
  for (let i = 0; i + k < x.length; i++) s += (x[i]! - m) * (x[i + k]! - m);
  return s / x.length / c0;
}

/**
 * Effective number of independent values in `x`, between 1 and n. Capped at
 * n: a negatively correlated series (readings alternating about the mean)
 * would give more, and claiming it would understate the uncertainty.
 */
export function effectiveSampleSize(x: readonly number[]): number {
  const n = x.length;
  if (n < 3) return n;
  const m = mean(x);
  const c0 = x.reduce((s, v) => s + (v - m) ** 2, 0) / n;
  if (!(c0 > 0)) return n;
  let tau = -1;
  for (let k = 0; k + 1 < n; k += 2) {
    const pair = (k === 0 ? 1 : autocorrelation(x, m, c0, k)) + autocorrelation(x, m, c0, k + 1);
    if (pair <= 0) break;
    tau += 2 * pair;
  }
  return Math.min(n, Math.max(1, n / Math.max(tau, Number.MIN_VALUE)));
}

/** Mean, its standard error s / √n_eff and n_eff, of an autocorrelated series; null with fewer than two values. */
export function meanWithAutocorrelation(x: readonly number[]): { mean: number; standardError: number; effectiveN: number } | null {
  if (x.length < 2) return null;
  const effectiveN = effectiveSampleSize(x);
  return { mean: mean(x), standardError: stdev(x) / Math.sqrt(effectiveN), effectiveN };
}
