/**
 * The ratio of two measured quantities with its 95 % interval, and the verdict
 * it supports. The relative standard uncertainties of both results are
 * combined in quadrature (the ratio of independent estimates), with the
 * Welch–Satterthwaite degrees of freedom and a Student-t coverage factor, as
 * every interval in a report is made (src/measure/uncertainty.ts).
 *
 * When both results were read from the same instrument, only what truly
 * cancels in their ratio is dropped: a common relative gain g scales both
 * values alike, (1 + g)·b / ((1 + g)·a) = b / a (GUM F.1.2.3, fully
 * correlated inputs). A common absolute offset o does not cancel in a ratio
 * of two different powers: (P_B + o) / (P_A + o) moves by o·(1/P_B − 1/P_A)
 * relative, so its two relative lines u_A = u(o)/P_A and u_B = u(o)/P_B
 * combine with correlation +1 into |u_B − u_A| (GUM 5.2.2); resolution,
 * coverage, statistical, timer and between-runs lines differ from reading to
 * reading (or from run to run) and stay in quadrature. A line without a kind
 * (reports written before kinds were recorded) is treated as before: a type B
 * line of the same instrument cancels.
 */
import { combine, type UncertaintyBudget, type UncertaintyComponent } from '../measure/uncertainty.js';

/** A ratio B / A with its 95 % interval (log-symmetric: [value / e^U, value · e^U]). */
export interface RatioEstimate {
  value: number;
  ci95: [number, number];
  /** Relative expanded uncertainty of the ratio (half-width / value). */
  relExpanded: number;
  /** Degrees of freedom of the combined uncertainty; null when infinite. */
  dof: number | null;
  /** Whether both were read from one instrument, so that its common gain was taken as cancelling. */
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

/** Whether a line cancels in a ratio of two readings of one instrument: a gain; before kinds, any type B line. */
function cancels(c: UncertaintyComponent): boolean {
  return c.kind === undefined ? c.type === 'B' : c.kind === 'gain';
}

/** The lines of B / A: both budgets', less what cancels on one instrument, with a common offset combined as correlated. */
export function ratioComponents(a: readonly UncertaintyComponent[], b: readonly UncertaintyComponent[], sameInstrument: boolean): UncertaintyComponent[] {
  if (!sameInstrument) return [...a, ...b];
  const isOffset = (c: UncertaintyComponent): boolean => c.kind === 'offset';
  const kept = [...a, ...b].filter((c) => !cancels(c) && !isOffset(c));
  const sum = (cs: readonly UncertaintyComponent[]): number => cs.filter(isOffset).reduce((s, c) => s + c.relative, 0);
  const offsets = [...a, ...b].filter(isOffset);
  if (offsets.length === 0) return kept;
  const common: UncertaintyComponent = {
    source: `${offsets[0]!.source}: one sensor's offset in both, correlated (|u_B − u_A|)`,
    type: 'B',
    relative: Math.abs(sum(b) - sum(a)),
    dof: null,
    distribution: offsets[0]!.distribution,
    kind: 'offset',
  };
  return [...kept, common];
}

/**
 * B / A. `sameInstrument`: both were measured by the same sensor (so its gain
 * cancels and its offset is correlated); budgets may be null where a result carries none, and the
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
  const components = ratioComponents(a.budget.components, b.budget.components, sameInstrument);
  const budget = combine(components, a.budget.coverage);
  // On the log scale: a ratio is positive, and ×2 and ×0.5 are equally far from 1; to first order value · (1 ± U). The
  // linear interval went below zero with the few blocks of a quick run (t with 1–2 dof), which a ratio cannot.
  const f = Math.exp(budget.relExpanded);
  return { value, ci95: [value / f, value * f], relExpanded: budget.relExpanded, dof: budget.dofEffective, correlatedTypeB: sameInstrument };
}
