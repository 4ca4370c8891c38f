/**
 * Uncertainty budgets after the GUM (JCGM 100:2008): type A components from
 * the spread of window values, type B components from a sensor's stated
 * accuracy and resolution; combined in quadrature (relative terms, since the
 * quantities are products and ratios of independent inputs), with the
 * effective degrees of freedom from the Welch–Satterthwaite formula and the
 * coverage factor k from Student's t for a 95 % coverage interval.
 *
 * Why t and not a fixed k = 2: with the 3–5 windows of a short run the type A
 * term has only 2–4 degrees of freedom, where k = 2 covers only ~80–88 %.
 */
import { mean, stdev, tQuantile } from './stats.js';

/**
 * What a budget line is, for the arithmetic that depends on it (which terms
 * cancel between two readings of one sensor, src/compare/ratio.ts and
 * src/measure/dynamic.ts): a relative gain error of a sensor, an absolute
 * offset, a resolution step, a statistical (repeatability) term, the part
 * of the run a sensor did not observe, a timer's resolution, the scatter
 * between runs that earlier runs showed (src/measure/between-runs.ts).
 */
export type ComponentKind = 'gain' | 'offset' | 'resolution' | 'statistical' | 'coverage' | 'timer' | 'between-runs';

/** One line of an uncertainty budget. */
export interface UncertaintyComponent {
  /** What the component is, e.g. "window-to-window spread". */
  source: string;
  type: 'A' | 'B';
  /** Relative standard uncertainty (one standard deviation, as a fraction of the value). */
  relative: number;
  /** Degrees of freedom; null for infinitely many (a type B bound taken as exact). */
  dof: number | null;
  /** The distribution assumed for a type B bound. */
  distribution: 'normal' | 'rectangular' | 't';
  /** What the line is; absent in reports written before it was recorded (then treated by `type` alone). */
  kind?: ComponentKind;
}

/** A combined budget. `relExpanded × value` is the half-width of the 95 % interval. */
export interface UncertaintyBudget {
  components: UncertaintyComponent[];
  /** Combined relative standard uncertainty. */
  relCombined: number;
  /** Effective degrees of freedom (Welch–Satterthwaite); null when infinite. */
  dofEffective: number | null;
  /** Coverage factor for the stated coverage. */
  k: number;
  /** Relative expanded uncertainty U / value. */
  relExpanded: number;
  coverage: number;
}

/** Coverage probability of every interval flopmeter reports. */
export const COVERAGE = 0.95;

/** Type A: the standard error of the mean of repeated observations, relative to the mean. */
export function typeA(source: string, values: readonly number[]): UncertaintyComponent {
  const n = values.length;
  const m = mean(values);
  const rel = n < 2 || m === 0 ? NaN : stdev(values) / Math.sqrt(n) / Math.abs(m);
  return { source, type: 'A', relative: rel, dof: n - 1, distribution: 't' };
}

/**
 * Type B from a bound ±a (relative) with a rectangular distribution, as for a
 * sensor stated "accurate to ±a": u = a / √3.
 */
export function typeBRectangular(source: string, relativeHalfWidth: number): UncertaintyComponent {
  return { source, type: 'B', relative: relativeHalfWidth / Math.sqrt(3), dof: null, distribution: 'rectangular' };
}

/** Combines components into a budget (relative terms in quadrature). */
export function combine(components: UncertaintyComponent[], coverage = COVERAGE): UncertaintyBudget {
  const usable = components.filter((c) => Number.isFinite(c.relative));
  const uc = Math.sqrt(usable.reduce((s, c) => s + c.relative ** 2, 0));
  let denom = 0;
  for (const c of usable) if (c.dof !== null && c.dof > 0 && c.relative > 0) denom += c.relative ** 4 / c.dof;
  const dofEff = uc === 0 || denom === 0 ? Infinity : uc ** 4 / denom;
  const k = tQuantile(1 - (1 - coverage) / 2, dofEff);
  return {
    components,
    relCombined: uc,
    dofEffective: Number.isFinite(dofEff) ? dofEff : null,
    k,
    relExpanded: k * uc,
    coverage,
  };
}

/** The 95 % interval [value − U, value + U] of a budget around a value. */
export function intervalOf(value: number, budget: UncertaintyBudget): [number, number] {
  const u = Math.abs(value) * budget.relExpanded;
  return [value - u, value + u];
}
