/**
 * The statistics of `npm run bench:repeat`: whether the intervals R runs of
 * the same result state hold when the result is measured again.
 *   - Birge ratio: √(χ² / (R − 1)) of the runs against their weighted mean,
 *     each weighted by its stated standard uncertainty; ≈ 1 when the stated
 *     uncertainties match the scatter, > 1 when they claim too little,
 *     < 1 when too much. That holds for uncertainties known exactly; a
 *     stated u with ν degrees of freedom is itself an estimate, and a run's
 *     (x − μ) / u then follows Student's t with ν dof, whose variance is
 *     ν / (ν − 2): with the 3–6 dof that a run's budget has when its blocks
 *     wander, uncertainties that are exactly right give a Birge ratio of
 *     1.3–1.7 (tests/bench/repeat-stats.test.ts simulates it).
 *   - Dof-aware Birge ratio, the one the goals are judged by: the factor k by
 *     which every stated u must be scaled for the runs to be consistent with
 *     their own t distributions, i.e. the k that solves
 *     Σ Φ⁻¹(F_ν(rᵢ / (k uᵢ)))² = R − 1 (rᵢ the deviation from the weighted
 *     mean; each deviation taken through its own t distribution to the normal
 *     score with the same tail probability). With every ν infinite this is the
 *     classic ratio exactly; for right uncertainties it is ≈ 1 whatever their
 *     dof, and it still reads ≈ 1.85 when the runs scatter twice what they
 *     state (a plain mean of squared normal scores reads only 1.5–1.65 there:
 *     a t distribution's tails absorb much of an understatement).
 *     It checks the GUM pair (u, ν) that the intervals are built from; GUM
 *     Supplement 1 would instead state u √(ν / (ν − 2)) as the standard
 *     uncertainty, which the classic ratio then checks. Neither checks ν
 *     itself: a budget that claimed too few dof would look better here and
 *     wider in its intervals, which leave-one-out coverage does not punish.
 *   - Leave-one-out coverage: how often a run's 95 % interval holds the mean
 *     of the other runs.
 *   - Run-to-run spread (relative standard deviation) beside the median stated
 *     relative standard uncertainty, the median relative half-width and the
 *     median stated degrees of freedom (which the dof-aware ratio takes on trust).
 *   - Across results (sharedRunVariation): how far the results of one run
 *     deviate together. Each run measures every result under the same host
 *     state, so where the runs' deviations from each result's mean correlate
 *     across results, the between-run scatter is the host's, which nothing
 *     inside one run can see; where they do not, it is each measurement's own.
 */
import { Rng } from '../src/core/random.js';
import { mean, normalQuantile, percentile, stdev, tCdf } from '../src/measure/stats.js';

/** One run's figure for one quantity of one result. */
export interface RunFigure {
  value: number;
  /** Stated standard uncertainty, in the value's unit. */
  u: number;
  /** Its effective degrees of freedom; null when infinite. */
  dof: number | null;
  /** Stated 95 % interval. */
  ci95: [number, number];
}

export interface Calibration {
  runs: number;
  /** √(χ² / (R − 1)) with the stated standard uncertainties as if exact. */
  birge: number;
  /** The factor that makes the stated (u, ν) consistent with the runs (see the file comment); = birge when every ν is infinite. */
  birgeT: number;
  looCoverage: number;
  /** Run-to-run relative standard deviation. */
  spreadRel: number;
  /** Median stated relative standard uncertainty. */
  statedRel: number;
  /** Median relative 95 % half-width. */
  halfWidthRel: number;
  /** Median stated effective degrees of freedom (the lower middle one of an even count; Infinity where a run's are infinite). */
  statedDof: number;
}

/**
 * Tail probabilities are kept above this so that a deviation far out in a t distribution's tail maps to a large but
 * finite normal score (≈ 37) instead of infinity; only the search's far bracket ever reaches it.
 */
const TAIL_FLOOR = 1e-300;

/** The standard normal score with the same tail probability as t under Student's t with `dof` (normal when null). */
export function normalScore(t: number, dof: number | null): number {
  // From the lower tail of −|t|, where a small probability keeps its precision (1 − F loses it in the upper tail).
  const p = tCdf(-Math.abs(t), dof ?? Infinity);
  return -Math.sign(t) * normalQuantile(Math.max(TAIL_FLOOR, p));
}

/**
 * The scale factor bracket searched by the dof-aware Birge ratio: stated uncertainties off by more than a million
 * either way are reported as the bracket's end, which is verdict enough.
 */
const SCALE_BRACKET = [1e-6, 1e6] as const;

/** The k that solves Σ normalScore(rᵢ / (k uᵢ), νᵢ)² = R − 1 (bisection on log k: the sum falls as k grows). */
export function dofAwareBirge(residuals: readonly number[], figures: readonly RunFigure[]): number {
  if (residuals.every((r) => r === 0)) return 0;
  const excess = (k: number): number => residuals.reduce((s, r, i) => s + normalScore(r / (k * figures[i]!.u), figures[i]!.dof) ** 2, 0) - (residuals.length - 1);
  let [lo, hi] = SCALE_BRACKET.map(Math.log) as [number, number];
  if (excess(Math.exp(lo)) <= 0) return Math.exp(lo);
  if (excess(Math.exp(hi)) >= 0) return Math.exp(hi);
  // 60 halvings of a 27.6-wide log bracket: k to 2.4e-17 relative, below double precision.
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (excess(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** The middle value, the lower of the two middle ones for an even count: unlike an interpolated median, defined among infinities. */
function lowerMedian(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
}

export function calibrate(figures: readonly RunFigure[]): Calibration {
  const R = figures.length;
  const w = figures.map((f) => 1 / f.u ** 2);
  const wsum = w.reduce((a, b) => a + b, 0);
  const xw = figures.reduce((s, f, i) => s + w[i]! * f.value, 0) / wsum;
  const residuals = figures.map((f) => f.value - xw);
  const chi2 = residuals.reduce((s, r, i) => s + (r / figures[i]!.u) ** 2, 0);
  const total = figures.reduce((s, f) => s + f.value, 0);
  const covered = figures.filter((f) => {
    const others = (total - f.value) / (R - 1);
    return others >= f.ci95[0] && others <= f.ci95[1];
  }).length;
  const m = mean(figures.map((f) => f.value));
  return {
    runs: R,
    birge: Math.sqrt(chi2 / (R - 1)),
    birgeT: dofAwareBirge(residuals, figures),
    looCoverage: covered / R,
    spreadRel: stdev(figures.map((f) => f.value)) / Math.abs(m),
    statedRel: percentile(figures.map((f) => f.u / Math.abs(f.value)), 50),
    halfWidthRel: percentile(figures.map((f) => (f.ci95[1] - f.ci95[0]) / 2 / Math.abs(f.value)), 50),
    statedDof: lowerMedian(figures.map((f) => f.dof ?? Infinity)),
  };
}

/** How much of the runs' scatter the results of one run share (see the file comment). */
export interface SharedRunVariation {
  /** Mean correlation, over every pair of results, of the runs' deviations from each result's mean (log values). */
  meanCorrelation: number;
  /** Permutation p-value of meanCorrelation against results whose runs vary independently. */
  p: number;
  /** Each run's deviation common to all results: the mean over results of its log deviation (≈ relative). */
  runOffsets: number[];
}

/** Permutations for the p-value: its resolution is 1/2000, and it costs milliseconds for the runs of one series. */
const PERMUTATIONS = 2000;

function correlation(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Mean correlation over every pair of columns (each already centred). */
function meanPairCorrelation(columns: readonly (readonly number[])[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      sum += correlation(columns[i]!, columns[j]!);
      pairs++;
    }
  }
  return sum / pairs;
}

/**
 * `values[r][m]`: run r's value of result m (R ≥ 3 runs, M ≥ 2 results, all positive); null with fewer. The p-value
 * shuffles the runs of every result but the first independently (seeded: the same series gives the same p).
 */
export function sharedRunVariation(values: readonly (readonly number[])[], seed = 1): SharedRunVariation | null {
  const R = values.length;
  const M = values[0]?.length ?? 0;
  if (R < 3 || M < 2) return null;
  const columns = Array.from({ length: M }, (_, m) => {
    const logs = values.map((run) => Math.log(run[m]!));
    const centre = mean(logs);
    return logs.map((x) => x - centre);
  });
  const observed = meanPairCorrelation(columns);
  const rng = new Rng(seed);
  let atLeast = 0;
  for (let k = 0; k < PERMUTATIONS; k++) {
    const shuffled = columns.map((c, m) => (m === 0 ? c : rng.shuffle([...c])));
    if (meanPairCorrelation(shuffled) >= observed) atLeast++;
  }
  return {
    meanCorrelation: observed,
    p: (atLeast + 1) / (PERMUTATIONS + 1),
    runOffsets: values.map((_, r) => mean(columns.map((c) => c[r]!))),
  };
}
