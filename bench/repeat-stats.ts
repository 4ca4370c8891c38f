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
 *     1.3–1.7 (tests/bench/repeat-stats.test.ts simulates it). So the
 *     ratio is also given with each run's standardised deviation carried
 *     through its own t distribution to a normal score,
 *     z = Φ⁻¹(F_ν((x − x̄) / u)), and √(Σz² / (R − 1)): the dof-aware Birge
 *     ratio, ≈ 1 for right uncertainties whatever their dof, and the one the
 *     goals are judged by. The two agree when every ν is large.
 *   - Leave-one-out coverage: how often a run's 95 % interval holds the mean
 *     of the other runs.
 *   - Run-to-run spread (relative standard deviation) beside the median stated
 *     relative standard uncertainty, and the median relative half-width.
 */
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
  /** The same with each deviation taken through its own t distribution to a normal score (see the file comment). */
  birgeT: number;
  looCoverage: number;
  /** Run-to-run relative standard deviation. */
  spreadRel: number;
  /** Median stated relative standard uncertainty. */
  statedRel: number;
  /** Median relative 95 % half-width. */
  halfWidthRel: number;
}

/**
 * Tail probabilities are kept within this of 0 and 1 so that a deviation far out in a t distribution's tail maps to a
 * large but finite normal score (≈ 8.2) instead of infinity, which would make one wild run the whole ratio.
 */
const TAIL_FLOOR = 1e-16;

/** The standard normal score with the same tail probability as t under Student's t with `dof` (normal when null). */
export function normalScore(t: number, dof: number | null): number {
  const p = tCdf(t, dof ?? Infinity);
  return normalQuantile(Math.min(1 - TAIL_FLOOR, Math.max(TAIL_FLOOR, p)));
}

export function calibrate(figures: readonly RunFigure[]): Calibration {
  const R = figures.length;
  const w = figures.map((f) => 1 / f.u ** 2);
  const wsum = w.reduce((a, b) => a + b, 0);
  const xw = figures.reduce((s, f, i) => s + w[i]! * f.value, 0) / wsum;
  const chi2 = figures.reduce((s, f) => s + ((f.value - xw) / f.u) ** 2, 0);
  const chi2T = figures.reduce((s, f) => s + normalScore((f.value - xw) / f.u, f.dof) ** 2, 0);
  const total = figures.reduce((s, f) => s + f.value, 0);
  const covered = figures.filter((f) => {
    const others = (total - f.value) / (R - 1);
    return others >= f.ci95[0] && others <= f.ci95[1];
  }).length;
  const m = mean(figures.map((f) => f.value));
  return {
    runs: R,
    birge: Math.sqrt(chi2 / (R - 1)),
    birgeT: Math.sqrt(chi2T / (R - 1)),
    looCoverage: covered / R,
    spreadRel: stdev(figures.map((f) => f.value)) / Math.abs(m),
    statedRel: percentile(figures.map((f) => f.u / Math.abs(f.value)), 50),
    halfWidthRel: percentile(figures.map((f) => (f.ci95[1] - f.ci95[0]) / 2 / Math.abs(f.value)), 50),
  };
}
