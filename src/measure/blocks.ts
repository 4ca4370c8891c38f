/**
 * Type A uncertainty from independent blocks of windows.
 *
 * A result is measured in B blocks, each after a fresh setup (new buffers, new
 * worker threads where the backend has them, a warm-up and a pause), so that
 * what differs between runs — thread placement, memory placement, clock
 * state, the neighbours on a shared host — also differs between blocks. The
 * windows inside one block share all of that and are autocorrelated, so they
 * are not independent observations; the block means are.
 *
 * The standard uncertainty of the mean is therefore the standard error of the
 * block means, s_m / √B with B − 1 degrees of freedom (batch means with the
 * blocks as batches). The budget shows it in two parts that add in
 * quadrature to it:
 *   - within blocks: what the windows' own scatter predicts for the mean,
 *     s_w² / (B · n_eff), with s_w² the pooled within-block variance and n_eff
 *     the windows per block discounted for lag-1 autocorrelation ρ
 *     (n_eff = n (1 − ρ) / (1 + ρ));
 *   - between blocks: the rest, max(0, s_m² / B − within²).
 * Each part carries a share of the B − 1 degrees of freedom in proportion to
 * its variance, so that Welch–Satterthwaite gives exactly B − 1 for the two
 * together: they are one estimate, split for reading.
 *
 * Consecutive blocks are not independent either where the host's own state
 * wanders on a scale of seconds (a shared VM's neighbours): on the 2-core CI
 * VM the block means of one run had a raw lag-1 autocorrelation of 0.2–0.33
 * (pooled over 8 runs of each of 3 results; 0.3–0.45 once corrected for the
 * estimator's bias), and their plain standard error understated the
 * run-to-run scatter 1.4–2.2×. With at least 8 blocks (SERIAL_MIN_BLOCKS) the
 * variance of the mean is therefore multiplied by the AR(1) factor
 * (1 + ρ) / (1 − ρ), with ρ the block means' lag-1 autocorrelation about
 * their trend line, corrected for its bias and capped (MAX_BLOCK_LAG1); the
 * degrees of freedom count both the B / factor effective blocks and the
 * uncertainty of ρ itself (serialDof). With fewer blocks the budget says
 * that serial correlation was not estimated.
 *
 * With a single block (a time cap hit early) only the within-block part can
 * be estimated; the budget then says that run-to-run variation is not in it.
 *
 * After a two-stage stopping rule (stopping.ts: the number of blocks planned
 * from the first B₀), the standard uncertainty is the larger, in 95 %
 * half-width, of the one above and Stein's, s₀ / √B with B₀ − 1 degrees of
 * freedom (s₀ the spread of the first stage's block means). Stein's interval
 * covers exactly whatever the first stage planned; the all-blocks one alone
 * covered 93–94 % in tests/measure/coverage.test.ts, because runs whose first
 * stage happened to look steady stop there with that optimistic spread.
 */
import { linearTrend, mean, tQuantile, variance } from './stats.js';
import type { UncertaintyComponent } from './uncertainty.js';

/** Window values of one result, grouped by block. */
export type Blocks = readonly (readonly number[])[];

export interface BlockEstimate {
  /** Mean of the block means. */
  mean: number;
  /** Relative standard uncertainty of the mean (the two parts in quadrature). */
  relU: number;
  /** Degrees of freedom of relU. */
  dof: number;
  /** The budget's type A lines. */
  components: UncertaintyComponent[];
  /** Pooled lag-1 autocorrelation of the windows within blocks (clamped to [0, 0.9]), or null with < 3 windows per block. */
  lag1: number | null;
  /** Bias-corrected lag-1 autocorrelation of the block means (clamped to [0, MAX_BLOCK_LAG1]), or null with fewer than SERIAL_MIN_BLOCKS blocks. */
  blockLag1: number | null;
}

/**
 * Largest lag-1 autocorrelation believed: beyond it n_eff falls below 1/19 of
 * n, and a window stream that correlated is drifting, which the between-block
 * part catches anyway.
 */
const MAX_LAG1 = 0.9;

/**
 * Fewest blocks from which their serial correlation is estimated: below 8 the lag-1 estimate's standard error
 * (≈ 1/√B) exceeds the correlation seen on a shared host (0.2–0.35), and its bias correction (BIAS_A / B) alone
 * would inflate the variance by half or more.
 */
export const SERIAL_MIN_BLOCKS = 8;

/**
 * Largest serial correlation of block means believed: the estimate from 12–20 blocks has a standard deviation of
 * about 0.25, and bench:repeat's 24 runs on the CI VM put the host's own at 0.3–0.45 (see the module comment);
 * single runs' estimates of 0.6–0.9 gave half-widths of 40–1000 % where the runs scattered by 5 %. At 0.5 the
 * simulated wandering host (tests/measure/coverage.test.ts) was covered 93.9 %, at 0.6 94.8 %.
 */
const MAX_BLOCK_LAG1 = 0.6;

/** Bias of the lag-1 estimator about a fitted line, E[r] − ρ ≈ −(BIAS_A + BIAS_B ρ) / n: from a Monte Carlo of AR(1) series, n = 8–20, ρ = 0–0.35. */
const BIAS_A = 2;
const BIAS_B = 5;

/** Σ e_i e_{i+1} and Σ e_i² of residuals, the lag-1 autocorrelation's numerator and denominator. */
function lag1Sums(e: readonly number[]): { num: number; den: number } {
  let num = 0;
  let den = 0;
  for (let i = 0; i < e.length; i++) den += e[i]! ** 2;
  for (let i = 0; i + 1 < e.length; i++) num += e[i]! * e[i + 1]!;
  return { num, den };
}

/**
 * Lag-1 autocorrelation of a series about its least-squares line, corrected for its bias and clamped to
 * [0, MAX_BLOCK_LAG1], with the variance of that estimate. About the line, because a steady drift would otherwise
 * read as strong correlation and inflate an interval whose block spread already holds the drift. The raw r is
 * biased low by (BIAS_A + BIAS_B ρ) / n, so ρ = (r + BIAS_A / n) / (1 − BIAS_B / n). The variance given is the raw
 * r's, (1 − ρ²) / n: the corrected estimate's is larger by 1 / (1 − BIAS_B / n)², but counting that too made the
 * simulated intervals 2.8× the oracle's (tests/measure/coverage.test.ts) while this covers ≥ 95 %.
 */
function seriesLag1(x: readonly number[]): { rho: number; variance: number } {
  const n = x.length;
  const t = x.map((_, i) => i);
  const line = linearTrend(t, x)!;
  const { num, den } = lag1Sums(x.map((v, i) => v - line.intercept - line.slope * i));
  const shrink = 1 - BIAS_B / n;
  const rho = Math.min(MAX_BLOCK_LAG1, Math.max(0, ((den > 0 ? num / den : 0) + BIAS_A / n) / shrink));
  return { rho, variance: (1 - rho ** 2) / n };
}

/** Pooled lag-1 autocorrelation of the windows about their block means; null when no block has 3 windows. */
function pooledLag1(blocks: Blocks): number | null {
  let num = 0;
  let den = 0;
  for (const b of blocks.filter((x) => x.length >= 3)) {
    const m = mean(b);
    const sums = lag1Sums(b.map((v) => v - m));
    num += sums.num;
    den += sums.den;
  }
  if (den === 0) return null;
  return Math.min(MAX_LAG1, Math.max(0, num / den));
}

/** Pooled within-block variance of the windows, and its degrees of freedom. */
function pooledWithin(blocks: Blocks): { variance: number; dof: number } {
  let ss = 0;
  let dof = 0;
  for (const b of blocks.filter((x) => x.length >= 2)) {
    ss += variance(b) * (b.length - 1);
    dof += b.length - 1;
  }
  return { variance: dof > 0 ? ss / dof : NaN, dof };
}

function line(source: string, relative: number, dof: number): UncertaintyComponent {
  return { source, type: 'A', relative, dof, distribution: 't' };
}

/** Serial correlation of the block means and the variance inflation it gives the mean, (1 + ρ) / (1 − ρ). */
interface Serial {
  rho: number;
  /** Variance of the estimate of ρ. */
  rhoVariance: number;
  factor: number;
}

/**
 * Degrees of freedom of s² · factor / B, the variance of the mean of B serially correlated block means: those of
 * s² (B / factor − 1 effective blocks) and of the factor itself, which rests on an estimated ρ
 * (Var ln factor ≈ (2 / (1 − ρ²))² Var ρ̂), added as relative variances (Satterthwaite).
 */
function serialDof(B: number, serial: Serial | null): number {
  if (!serial) return B - 1;
  const lnFactorVar = (2 / (1 - serial.rho ** 2)) ** 2 * serial.rhoVariance;
  return 2 / (2 / Math.max(1, B / serial.factor - 1) + lnFactorVar);
}

/**
 * Variance of the mean of B block means and its dof: all blocks', or Stein's from the first stage where that is
 * wider; each multiplied by `factor`, the serial correlation's variance inflation (the all-blocks dof divided by it).
 */
function steinOrAll(means: readonly number[], firstStage: number | undefined, serial: Serial | null): { totalVar: number; dof: number; stein: boolean } {
  const B = means.length;
  const factor = serial?.factor ?? 1;
  const all = { totalVar: (factor * variance(means)) / B, dof: serialDof(B, serial), stein: false };
  if (!firstStage || firstStage < 2 || firstStage >= B) return all;
  const s0 = { totalVar: (factor * variance(means.slice(0, firstStage))) / B, dof: firstStage - 1, stein: true };
  const half = (x: { totalVar: number; dof: number }): number => tQuantile(0.975, x.dof) * Math.sqrt(x.totalVar);
  return half(s0) > half(all) ? s0 : all;
}

/** The mean of the blocks and its type A uncertainty (see the module comment); `firstStage`: B₀ of a two-stage rule. */
export function blockEstimate(blocks: Blocks, what: string, firstStage?: number): BlockEstimate {
  const full = blocks.filter((b) => b.length > 0);
  const means = full.map((b) => mean(b));
  const m = mean(means);
  const B = full.length;
  const lag1 = pooledLag1(full);
  const within = pooledWithin(full);
  const rho = lag1 ?? 0;
  const nEff = (n: number): number => Math.max(1, (n * (1 - rho)) / (1 + rho));
  // Var of the mean of block means from within-block scatter alone: (1/B²) Σ s_w² / n_eff,b.
  const withinVar = full.reduce((s, b) => s + within.variance / nEff(b.length), 0) / B ** 2;
  const rel = (v: number): number => Math.sqrt(v) / Math.abs(m);
  const rhoText = lag1 === null ? '' : `, lag-1 autocorrelation ${lag1.toFixed(2)}`;
  if (B < 2) {
    const r = rel(withinVar);
    return {
      mean: m,
      relU: r,
      dof: within.dof,
      lag1,
      blockLag1: null,
      components: [line(`${what}: within one block (${full[0]?.length ?? 0} windows${rhoText}); variation between setups not measured (one block)`, r, within.dof)],
    };
  }
  const lag = B >= SERIAL_MIN_BLOCKS ? seriesLag1(means) : null;
  const serial = lag && { rho: lag.rho, rhoVariance: lag.variance, factor: (1 + lag.rho) / (1 - lag.rho) };
  const blockLag1 = serial?.rho ?? null;
  const { totalVar, dof, stein } = steinOrAll(means, firstStage, serial);
  const w = Number.isFinite(withinVar) ? Math.min(withinVar, totalVar) : 0;
  const b = totalVar - w;
  const share = (v: number): number => (totalVar > 0 ? (dof * v) / totalVar : dof);
  const serialText =
    serial === null
      ? `; serial correlation not estimated below ${SERIAL_MIN_BLOCKS} blocks`
      : `; blocks' lag-1 autocorrelation ${serial.rho.toFixed(2)}, variance ×${serial.factor.toFixed(2)}`;
  return {
    mean: m,
    relU: rel(totalVar),
    dof,
    lag1,
    blockLag1,
    components: [
      line(`${what}: within blocks (windows' scatter${rhoText})`, rel(w), share(w)),
      line(`${what}: between ${B} blocks (fresh setups${stein ? `; Stein's bound from the first ${firstStage}` : ''}${serialText})`, rel(b), share(b)),
    ],
  };
}
