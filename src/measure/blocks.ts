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
import { mean, tQuantile, variance } from './stats.js';
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
}

/**
 * Largest lag-1 autocorrelation believed: beyond it n_eff falls below 1/19 of
 * n, and a window stream that correlated is drifting, which the between-block
 * part catches anyway.
 */
const MAX_LAG1 = 0.9;

/** Pooled lag-1 autocorrelation of the windows about their block means; null when no block has 3 windows. */
function pooledLag1(blocks: Blocks): number | null {
  let num = 0;
  let den = 0;
  for (const b of blocks.filter((x) => x.length >= 3)) {
    const m = mean(b);
    for (let i = 0; i < b.length; i++) den += (b[i]! - m) ** 2;
    for (let i = 0; i + 1 < b.length; i++) num += (b[i]! - m) * (b[i + 1]! - m);
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

/** Variance of the mean of B block means and its dof: all blocks', or Stein's from the first stage where that is wider. */
function steinOrAll(means: readonly number[], firstStage: number | undefined): { totalVar: number; dof: number; stein: boolean } {
  const B = means.length;
  const all = { totalVar: variance(means) / B, dof: B - 1, stein: false };
  if (!firstStage || firstStage < 2 || firstStage >= B) return all;
  const s0 = { totalVar: variance(means.slice(0, firstStage)) / B, dof: firstStage - 1, stein: true };
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
      components: [line(`${what}: within one block (${full[0]?.length ?? 0} windows${rhoText}); variation between setups not measured (one block)`, r, within.dof)],
    };
  }
  const { totalVar, dof, stein } = steinOrAll(means, firstStage);
  const w = Number.isFinite(withinVar) ? Math.min(withinVar, totalVar) : 0;
  const b = totalVar - w;
  const share = (v: number): number => (totalVar > 0 ? (dof * v) / totalVar : dof);
  return {
    mean: m,
    relU: rel(totalVar),
    dof,
    lag1,
    components: [
      line(`${what}: within blocks (windows' scatter${rhoText})`, rel(w), share(w)),
      line(`${what}: between ${B} blocks (fresh setups${stein ? `; Stein's bound from the first ${firstStage}` : ''})`, rel(b), share(b)),
    ],
  };
}
