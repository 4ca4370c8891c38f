/**
 * The statistics of `npm run bench:repeat`: whether the intervals R runs of
 * the same result state hold when the result is measured again.
 *   - Birge ratio: √(χ² / (R − 1)) of the runs against their weighted mean,
 *     each weighted by its stated standard uncertainty; ≈ 1 when the stated
 *     uncertainties match the scatter, > 1 when they claim too little,
 *     < 1 when too much.
 *   - Leave-one-out coverage: how often a run's 95 % interval holds the mean
 *     of the other runs.
 *   - Run-to-run spread (relative standard deviation) beside the median stated
 *     relative standard uncertainty, and the median relative half-width.
 */
import { mean, percentile, stdev } from '../src/measure/stats.js';

/** One run's figure for one quantity of one result. */
export interface RunFigure {
  value: number;
  /** Stated standard uncertainty, in the value's unit. */
  u: number;
  /** Stated 95 % interval. */
  ci95: [number, number];
}

export interface Calibration {
  runs: number;
  birge: number;
  looCoverage: number;
  /** Run-to-run relative standard deviation. */
  spreadRel: number;
  /** Median stated relative standard uncertainty. */
  statedRel: number;
  /** Median relative 95 % half-width. */
  halfWidthRel: number;
}

export function calibrate(figures: readonly RunFigure[]): Calibration {
  const R = figures.length;
  const w = figures.map((f) => 1 / f.u ** 2);
  const wsum = w.reduce((a, b) => a + b, 0);
  const xw = figures.reduce((s, f, i) => s + w[i]! * f.value, 0) / wsum;
  const chi2 = figures.reduce((s, f) => s + ((f.value - xw) / f.u) ** 2, 0);
  const total = figures.reduce((s, f) => s + f.value, 0);
  const covered = figures.filter((f) => {
    const others = (total - f.value) / (R - 1);
    return others >= f.ci95[0] && others <= f.ci95[1];
  }).length;
  const m = mean(figures.map((f) => f.value));
  return {
    runs: R,
    birge: Math.sqrt(chi2 / (R - 1)),
    looCoverage: covered / R,
    spreadRel: stdev(figures.map((f) => f.value)) / Math.abs(m),
    statedRel: percentile(figures.map((f) => f.u / Math.abs(f.value)), 50),
    halfWidthRel: percentile(figures.map((f) => (f.ci95[1] - f.ci95[0]) / 2 / Math.abs(f.value)), 50),
  };
}
