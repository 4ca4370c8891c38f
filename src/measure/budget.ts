/**
 * Runs planned to a time budget (`flopmeter run --budget 20m`, and the
 * default run): which results fit, and how long each may measure.
 *
 * Every candidate result comes with an estimate of its fixed cost (inputs,
 * reference, preparing and verifying: src/measure/cost.ts) and of one
 * iteration. The plan first takes one result of every probe family on every
 * device — the cheapest that can be measured well — so that a run of any
 * budget covers everything there is; then, family by family in turn, the
 * other parameter sets while they leave half the time for measuring. A candidate whose single iteration
 * is too long to give a handful of windows in its share is left out with
 * that reason rather than eating the budget.
 *
 * What is left after the fixed costs is shared out as measuring time. The
 * shares are not fixed in advance: each result's time cap is worked out when
 * it starts, from the time then left (`capFor`), so a result that converged
 * early or a fixed cost that was over- or under-estimated moves the others'
 * caps and the run still ends near its budget.
 */

/** One result the run could measure, with its cost estimates. */
export interface BudgetCandidate {
  /** The result id ("cpu0/gemm/dtype=f32,n=512"). */
  id: string;
  device: string;
  /** The probe family (its id): every family on every device gets at least one result. */
  family: string;
  /** Seconds before measuring starts: inputs, reference, prepare, verify, warm-up. */
  fixedSeconds: number;
  /** Seconds one iteration is expected to take. */
  iterationSeconds: number;
}

export interface BudgetSettings {
  /** The whole run's budget, seconds. */
  budgetSeconds: number;
  /** Seconds the run spends outside results (start-up, discovery, idle baselines, the report). */
  overheadSeconds: number;
  /** Fewest seconds of measuring that give a result an interval worth stating (its procedure's first stage). */
  minMeasureSeconds: number;
  /** Most seconds of measuring one result gets, however large the budget (its procedure's own cap). */
  maxMeasureSeconds: number;
  /** Fewest iterations a result must fit in its share (windows of at least one iteration each). */
  minIterations: number;
}

export interface BudgetPlan {
  /** The results to measure, in run order. */
  selected: BudgetCandidate[];
  /** The candidates left out, with why. */
  leftOut: Array<{ candidate: BudgetCandidate; reason: string }>;
  /** Measuring seconds each selected result is expected to get (the caps are set at run time: capFor). */
  measureSeconds: number;
  /** The equal share of the measuring time before the maximum is applied, seconds. */
  shareSeconds: number;
  /** The run's expected length: overhead + fixed costs + measuring, seconds. */
  estimateSeconds: number;
}

/**
 * Further parameter sets (beyond one per family) are added only while the results' minimum costs stay within this
 * share of the time available: the rest is measuring time, which absorbs estimates that were off (fixed costs ×0.5–2
 * in tests/measure/budget.test.ts kept the total within 15 % of the budget; filling to the brim overran by 23 %) and
 * gives each result more than its bare minimum.
 */
const EXTRA_FILL = 0.5;

const fmt = (s: number): string => (s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`);

/** Seconds a candidate needs at least: its fixed cost and its minimum measuring time, or its minimum iterations if longer. */
function minimumSeconds(c: BudgetCandidate, s: BudgetSettings): number {
  return c.fixedSeconds + Math.max(s.minMeasureSeconds, s.minIterations * c.iterationSeconds);
}

/** Why a candidate cannot be measured well in the most any result may get, or null. */
function tooSlow(c: BudgetCandidate, s: BudgetSettings, available: number): string | null {
  const need = s.minIterations * c.iterationSeconds;
  const most = Math.min(s.maxMeasureSeconds, available - c.fixedSeconds);
  if (need > most) return `one iteration takes ~${fmt(c.iterationSeconds)}: ${s.minIterations} need ~${fmt(need)}, more than the ${fmt(Math.max(0, most))} a result can have in this budget`;
  return null;
}

/** Candidates grouped by device and family, in the order given. */
function groups(candidates: readonly BudgetCandidate[]): BudgetCandidate[][] {
  const byKey = new Map<string, BudgetCandidate[]>();
  for (const c of candidates) {
    const key = `${c.device}\u0000${c.family}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  return [...byKey.values()];
}

/**
 * The plan for a budget: one result per device and family first (the cheapest that can be measured), then the
 * rest family by family while the minimum costs fit; the run order is the candidates' own order.
 */
export function planBudget(candidates: readonly BudgetCandidate[], s: BudgetSettings): BudgetPlan {
  const available = s.budgetSeconds - s.overheadSeconds;
  const leftOut: BudgetPlan['leftOut'] = [];
  const usable = groups(candidates).map((g) =>
    g.filter((c) => {
      const why = tooSlow(c, s, available);
      if (why) leftOut.push({ candidate: c, reason: why });
      return !why;
    }),
  );
  const chosen = new Set<BudgetCandidate>();
  let committed = 0;
  const take = (c: BudgetCandidate, limit: number): boolean => {
    const need = minimumSeconds(c, s);
    if (committed + need > limit) return false;
    chosen.add(c);
    committed += need;
    return true;
  };
  // Every family first, cheapest first, so that a small budget keeps the most families.
  const firsts = usable.filter((g) => g.length).map((g) => [...g].sort((a, b) => minimumSeconds(a, s) - minimumSeconds(b, s))[0]!);
  for (const c of [...firsts].sort((a, b) => minimumSeconds(a, s) - minimumSeconds(b, s))) {
    if (!take(c, available)) leftOut.push({ candidate: c, reason: `the budget of ${fmt(s.budgetSeconds)} is spent before it (it needs ~${fmt(minimumSeconds(c, s))})` });
  }
  // Then the other parameter sets, one from each family in turn.
  const rest = usable.map((g) => g.filter((c) => !firsts.includes(c)));
  for (let i = 0; rest.some((g) => i < g.length); i++) {
    for (const g of rest) {
      const c = g[i];
      if (c && !take(c, EXTRA_FILL * available)) leftOut.push({ candidate: c, reason: `does not fit in the budget of ${fmt(s.budgetSeconds)}: the results chosen before it already take half its time at their minimum` });
    }
  }
  const selected = candidates.filter((c) => chosen.has(c));
  const fixed = selected.reduce((sum, c) => sum + c.fixedSeconds, 0);
  const shareSeconds = selected.length ? (available - fixed) / selected.length : 0;
  const measureSeconds = Math.min(s.maxMeasureSeconds, shareSeconds);
  return { selected, leftOut, measureSeconds, shareSeconds, estimateSeconds: s.overheadSeconds + fixed + measureSeconds * selected.length };
}

/** What the run has left when a result starts. */
export interface BudgetState {
  /** Seconds until the run's budget is spent (budget − elapsed − the overhead still to come). */
  secondsLeft: number;
  /** Fixed-cost estimates of this result and of those after it. */
  fixedSecondsLeft: number;
  /** Results still to measure, this one included. */
  resultsLeft: number;
}

/**
 * The measuring time cap of the result starting now: an equal share of what the budget has left after the fixed
 * costs still to come, between the procedure's minimum and maximum.
 */
export function capFor(state: BudgetState, s: Pick<BudgetSettings, 'minMeasureSeconds' | 'maxMeasureSeconds'>): number {
  const share = (state.secondsLeft - state.fixedSecondsLeft) / Math.max(1, state.resultsLeft);
  return Math.min(s.maxMeasureSeconds, Math.max(s.minMeasureSeconds, share));
}
