/**
 * The scatter between runs that no single run can see, from this host's own
 * earlier runs of the same result: intermediate precision (ISO 5725-3), or
 * GUM 4.2.4's pooled variance of a measurement "under statistical control".
 *
 * A run's budget covers what changed while it ran. On a shared host, the
 * state that all of a run's results share (the other guests, where the
 * memory lies, clocks) also changes between runs, on scales from minutes to
 * hours: on the 2-core CI VM the runs' deviations correlated 0.55–0.86
 * across the three results of each run (bench:repeat), and runs stating
 * 2–4 % scattered 6–8 %. Only measuring again shows that scatter, so the
 * earlier runs' figures are the evidence.
 *
 * The earlier runs are treated as a meta-analysis treats studies: each
 * stated (u, ν), and their excess scatter is the between-run variance τ²
 * of a random-effects model, estimated by DerSimonian and Laird's method of
 * moments (Controlled Clinical Trials 7, 1986) on log values. A stated u with
 * ν dof is an estimate, and the run's deviation then follows Student's t,
 * whose variance is u² ν / (ν − 2): that is the variance each run is weighted
 * by, or runs with few dof would read as excess scatter. τ (relative) joins
 * the new run's budget as a type A line, with Satterthwaite's dof for the
 * estimate τ̂² (tauDof: fewer than H − 1 from H runs, and fewer still where
 * what the runs stated is large beside τ). τ is 0 where the earlier runs
 * agree within what they stated. τ comes from a window of WINDOW_RUNS runs,
 * the latest earlier ones and the run it is for: the host's state wanders,
 * and τ is the scatter over the window's span (between-runs-limits.ts).
 */
import type { Budgets, Estimate, Result } from './result.js';
import { MIN_EARLIER_RUNS, WINDOW_RUNS } from './between-runs-limits.js';
import { combine, intervalOf, type UncertaintyComponent } from './uncertainty.js';

export { MIN_EARLIER_RUNS, WINDOW_RUNS };

/** Budgets a result has (throughput, power, …), as named in Result.uncertainty. */
export type QuantityName = keyof Budgets;

/** One run's figure for one quantity: its value and the part of its uncertainty that varies from run to run. */
export interface RunRecord {
  /** The estimate, in the quantity's own unit (FLOP/s, W, J/FLOP, FLOP/J, …). */
  value: number;
  /**
   * Relative standard uncertainty of the run's type A lines (a fraction): what it saw vary. Its type B lines (a
   * sensor's gain and offset, resolutions) are the same in every run, so they do not scatter runs apart, and
   * counting them would hide the scatter that does.
   */
  relU: number;
  /** Effective degrees of freedom of relU; null when infinite. */
  dof: number | null;
}

/** Whether a record (from a history file: anything) is a usable figure: a finite positive value and u, a positive dof. */
export function isRunRecord(x: unknown): x is RunRecord {
  const r = x as Partial<RunRecord> | null;
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  return typeof r === 'object' && r !== null && positive(r.value) && positive(r.relU) && (r.dof === null || positive(r.dof));
}

/** One earlier result as the history keeps it (src/cli/history.ts): per quantity, what the run stated. */
export type ResultRecord = Partial<Record<QuantityName, RunRecord>>;

/**
 * Floor of the between-run line's dof. Where τ is small beside what the runs stated, Satterthwaite gives it 0.1–0.3
 * dof, and t's 97.5 % point there runs to thousands: 1 % of the simulated intervals were 100–1700× the oracle's. At
 * 0.5 their 99th percentile stayed within 7.5× and coverage ≥ 94 % in every scenario; at 1 it fell to 93.6 % (the
 * simulation of tests/measure/between-runs.test.ts, run with each floor).
 */
const MIN_TAU_DOF = 0.5;

/** Where each quantity's estimate sits in a result, and its name in a budget line. */
const QUANTITY: Record<QuantityName, { label: string; estimate: (r: Result) => Estimate | null | undefined }> = {
  throughput: { label: 'throughput', estimate: (r) => r.throughput },
  power: { label: 'power', estimate: (r) => r.power },
  energyPerUnit: { label: 'energy per unit', estimate: (r) => r.energy?.perUnit },
  efficiency: { label: 'work per joule', estimate: (r) => r.efficiency },
  dynamicPower: { label: 'power above idle', estimate: (r) => r.power?.dynamic },
  dynamicEnergyPerUnit: { label: 'energy per unit above idle', estimate: (r) => r.energy?.dynamicPerUnit },
  dynamicEfficiency: { label: 'work per joule above idle', estimate: (r) => r.efficiency?.dynamic },
};
const QUANTITIES = Object.keys(QUANTITY) as QuantityName[];

/** What makes two results the same measurement for the history: the host, the result, its engine, definition and procedure. */
export function measurementKey(r: Result, host: string, procedure: string): string {
  return JSON.stringify([host, r.id, r.engine, r.definitionHash, procedure]);
}

/** A completed result's figures as the history keeps them (each budget's own type A part); null for a result without any. */
export function recordOf(result: Result): ResultRecord | null {
  if (result.status !== 'completed' || !result.uncertainty) return null;
  const record: ResultRecord = {};
  for (const q of QUANTITIES) {
    const budget = result.uncertainty[q];
    const est = QUANTITY[q].estimate(result);
    if (!budget || !est) continue;
    const typeA = combine(budget.components.filter((c) => c.type === 'A' && c.kind !== 'between-runs'));
    const figure = { value: est.value, relU: typeA.relCombined, dof: typeA.dofEffective };
    if (isRunRecord(figure)) record[q] = figure;
  }
  return Object.keys(record).length ? record : null;
}

/**
 * Variance of a run's deviation per unit u²: ν / (ν − 2) for Student's t, 1 for an exact u. Below ν = 2.5 it is
 * taken as 5 (its value there): t's variance is infinite at ν ≤ 2, and such runs then weigh little, not nothing.
 */
function tVarianceFactor(dof: number | null): number {
  if (dof === null) return 1;
  return dof > 2.5 ? dof / (dof - 2) : 5;
}

/** The scatter between runs that earlier runs showed. */
export interface BetweenRuns {
  /** τ, the between-run standard deviation relative to the value (a fraction; 0 where the runs agreed). */
  relative: number;
  /** Its degrees of freedom. */
  dof: number;
  /** How many runs it came from, the run it is for included. */
  runs: number;
}

/**
 * Between-run relative standard deviation τ, with its dof, from the latest WINDOW_RUNS of `runs` (oldest first, the
 * run it is for last; DerSimonian–Laird, see the file comment); null with fewer.
 */
export function betweenRuns(runs: readonly RunRecord[]): BetweenRuns | null {
  const usable = runs.filter(isRunRecord).slice(-WINDOW_RUNS);
  if (usable.length < WINDOW_RUNS) return null;
  const x = usable.map((r) => Math.log(r.value));
  const w = usable.map((r) => 1 / (r.relU ** 2 * tVarianceFactor(r.dof)));
  const sums = weightSums(w);
  const centre = x.reduce((s, xi, i) => s + w[i]! * xi, 0) / sums.S1;
  const Q = x.reduce((s, xi, i) => s + w[i]! * (xi - centre) ** 2, 0);
  const H = usable.length;
  const tau2 = Math.max(0, (Q - (H - 1)) / sums.c);
  if (!Number.isFinite(tau2)) return null;
  return { relative: Math.sqrt(tau2), dof: tau2 > 0 ? Math.max(MIN_TAU_DOF, tauDof(tau2, sums, usable)) : H - 1, runs: H };
}

/** Σw, Σw², Σw³ of the weights, and DerSimonian–Laird's c = S₁ − S₂ / S₁. */
function weightSums(w: readonly number[]): { S1: number; S2: number; S3: number; c: number } {
  const [S1, S2, S3] = [1, 2, 3].map((p) => w.reduce((s, wi) => s + wi ** p, 0)) as [number, number, number];
  return { S1, S2, S3, c: S1 - S2 / S1 };
}

/**
 * Satterthwaite's dof of τ̂², 2 τ⁴ / Var(τ̂²): Var(Q) of the random-effects model (Biggerstaff and Tweedie, Statistics
 * in Medicine 16, 1997) over c², plus what the stated variances' own uncertainty adds, Σ (w_j / S₁)² · 2 v_j² / ν_j
 * = 2 Σ (1 / ν_j) / S₁². With equal weights this is a difference of mean squares' dof, (H − 1) (τ² / (τ² + v))² and
 * less; with H − 1 alone the simulated intervals covered only 91 % (tests/measure/between-runs.test.ts's simulation,
 * run so, at σ_b = 5 %, H = 8).
 */
function tauDof(tau2: number, { S1, S2, S3, c }: ReturnType<typeof weightSums>, runs: readonly RunRecord[]): number {
  const H = runs.length;
  const varQ = 2 * (H - 1) + 4 * c * tau2 + 2 * (S2 - (2 * S3) / S1 + S2 ** 2 / S1 ** 2) * tau2 ** 2;
  const statedVar = (2 * runs.reduce((s, r) => s + (r.dof === null ? 0 : 1 / r.dof), 0)) / S1 ** 2;
  return (2 * tau2 ** 2) / (varQ / c ** 2 + statedVar);
}

function betweenRunsLine(what: string, tau: BetweenRuns): UncertaintyComponent {
  return {
    source: `${what}: between runs (${tau.runs} runs of this result on this host, this one and the latest before it: their scatter beyond what each stated)`,
    type: 'A',
    relative: tau.relative,
    dof: tau.dof,
    distribution: 't',
    kind: 'between-runs',
  };
}

/** Sets each budget of `out` from its components as `edit` returns them, and its estimate's interval to match. */
function rebudget(out: Result, edit: (q: QuantityName, components: UncertaintyComponent[]) => UncertaintyComponent[] | null): QuantityName[] {
  const budgets = out.uncertainty!;
  const changed: QuantityName[] = [];
  for (const q of QUANTITIES) {
    const budget = budgets[q];
    const est = QUANTITY[q].estimate(out);
    const components = budget && est ? edit(q, budget.components) : null;
    if (!budget || !est || !components) continue;
    budgets[q] = combine(components, budget.coverage);
    est.ci95 = intervalOf(est.value, budgets[q]);
    changed.push(q);
  }
  return changed;
}

/**
 * The result with a between-run line in each budget whose quantity has enough earlier runs (`earlier`: the
 * history's records of this measurement, oldest first; the window's last run is this one, `own` its record where the
 * caller has it), its intervals widened to match, and which quantities got one; the input is unchanged.
 */
export function withBetweenRuns(r: Result, earlier: readonly ResultRecord[], own = recordOf(r)): { result: Result; added: QuantityName[] } {
  if (!own) return { result: r, added: [] };
  const out = structuredClone(r);
  const added = rebudget(out, (q, components) => {
    const tau = own[q] ? betweenRuns([...earlier.flatMap((e) => (e[q] ? [e[q]] : [])), own[q]]) : null;
    return tau && [...components, betweenRunsLine(QUANTITY[q].label, tau)];
  });
  return { result: added.length ? out : r, added };
}

/** The result as its run stated it from inside itself: every between-run line taken out, its intervals to match. */
export function withoutBetweenRuns(r: Result): Result {
  if (!r.uncertainty) return r;
  const out = structuredClone(r);
  const changed = rebudget(out, (_, components) => (components.some((c) => c.kind === 'between-runs') ? components.filter((c) => c.kind !== 'between-runs') : null));
  return changed.length ? out : r;
}
