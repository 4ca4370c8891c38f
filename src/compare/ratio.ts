/**
 * The ratio of two measured quantities with its 95 % interval, and the verdict
 * it supports. The relative standard uncertainties of both results are
 * combined in quadrature (the ratio of independent estimates), with the
 * Welch–Satterthwaite degrees of freedom and a Student-t coverage factor, as
 * every interval in a report is made (src/measure/uncertainty.ts).
 *
 * Type B components of a sensor (its stated accuracy) are left out when both
 * results were read from the same instrument: a calibration error common to
 * both cancels in their ratio (GUM F.1.2.3, fully correlated inputs), and
 * counting it twice would hide real differences.
 */
import { combine, type UncertaintyBudget, type UncertaintyComponent } from '../measure/uncertainty.js';

/** A ratio B / A with its 95 % interval. */
export interface RatioEstimate {
  value: number;
  ci95: [number, number];
  /** Relative expanded uncertainty of the ratio (half-width / value). */
  relExpanded: number;
  /** Degrees of freedom of the combined uncertainty; null when infinite. */
  dof: number | null;
  /** Whether common type B components were taken as cancelling. */
  correlatedTypeB: boolean;
}

/** What a ratio says, for a quantity where more is better (throughput, work per joule). */
export type Verdict = 'higher' | 'lower' | 'no significant difference';

/** The interval decides: entirely above 1, entirely below, or straddling it. */
export function verdictOf(r: RatioEstimate): Verdict {
  if (r.ci95[0] > 1) return 'higher';
  if (r.ci95[1] < 1) return 'lower';
  return 'no significant difference';
}

/**
 * B / A. `sameInstrument`: both were measured by the same sensor (so its type B
 * components cancel); budgets may be null where a result carries none, and the
 * ratio then has no interval.
 */
export function ratioOf(
  a: { value: number; budget: UncertaintyBudget | null },
  b: { value: number; budget: UncertaintyBudget | null },
  sameInstrument: boolean,
): RatioEstimate | null {
  if (!(a.value > 0) || !(b.value > 0) || !Number.isFinite(a.value) || !Number.isFinite(b.value)) return null;
  const value = b.value / a.value;
  if (!a.budget || !b.budget) return null;
  const keep = (c: UncertaintyComponent): boolean => !(sameInstrument && c.type === 'B');
  const components = [...a.budget.components.filter(keep), ...b.budget.components.filter(keep)];
  const budget = combine(components, a.budget.coverage);
  const half = value * budget.relExpanded;
  return { value, ci95: [value - half, value + half], relExpanded: budget.relExpanded, dof: budget.dofEffective, correlatedTypeB: sameInstrument };
}
