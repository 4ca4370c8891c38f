/**
 * Whether each result reached the precision asked for, and why not: the
 * relative 95 % half-width it stated, whether that met the stopping target
 * (`throughput.converged`), and the cause of a miss, taken from how it stopped
 * (`throughput.stopReason`, src/measure/stopping.ts) and from a significant
 * drift of its windows (`throughput.drift`).
 */
import { relHalfWidth, type Result } from '../measure/result.js';
import type { Report } from './types.js';

/** Why a result did not meet the target. */
export type MissCause = 'drift' | 'time cap' | 'maximum blocks' | 'planned blocks' | 'other';

/** The order causes are listed in: drift first (it says the machine was not steady), then the limits hit. */
export const MISS_CAUSES: readonly MissCause[] = ['drift', 'time cap', 'maximum blocks', 'planned blocks', 'other'];

/** The precision one result reached. */
export interface Precision {
  /** Half-width of the throughput's 95 % interval relative to its value (0.01 = 1 %). */
  relHalfWidth: number;
  /** Whether that met the run's target (for a fixed number of windows: whether they were all measured). */
  met: boolean;
  /** Why not, when not met. */
  cause: MissCause | null;
}

/** The precision of a run's results together. */
export interface Convergence {
  /** The run's target relative half-width (0.01 = 1 %); null when the run measured a fixed number of windows. */
  target: number | null;
  /** Results with a throughput (completed), and how many of them met the target. */
  measured: number;
  met: number;
  /** Row numbers (1-based positions in the report's results) of the results that missed, by cause, in MISS_CAUSES order. */
  missed: Array<{ cause: MissCause; rows: number[] }>;
  /** Results whose throughput interval includes the scatter between earlier runs (src/measure/between-runs.ts); absent: none. */
  betweenRuns?: number;
}

/**
 * The cause of a miss: a significant drift, else the limit the stopping rule hit (its stop reason says which:
 * "at the time cap …", "after the maximum of N blocks …", "after the N blocks planned from the first M …").
 */
function missCause(t: NonNullable<Result['throughput']>): MissCause {
  if (t.drift?.significant) return 'drift';
  if (/time cap/.test(t.stopReason)) return 'time cap';
  if (/maximum of \d+ blocks/.test(t.stopReason)) return 'maximum blocks';
  if (/blocks planned/.test(t.stopReason)) return 'planned blocks';
  return 'other';
}

/** Whether the result's throughput interval includes a between-run line from the history (which its stopping rule did not see). */
export function hasBetweenRuns(r: Result): boolean {
  return r.uncertainty?.throughput.components.some((c) => c.kind === 'between-runs') ?? false;
}

/** The precision a result reached; null without a throughput (not completed). */
export function precisionOf(r: Result): Precision | null {
  const t = r.throughput;
  if (r.status !== 'completed' || !t) return null;
  return { relHalfWidth: relHalfWidth(t), met: t.converged, cause: t.converged ? null : missCause(t) };
}

/** The run's target relative half-width from its stopping settings; null when it had none (fixed windows). */
export function targetOf(report: Report): number | null {
  const target = report.config.stopping.settings.targetRel;
  return report.config.stopping.criterion === 'fixed-windows' || target === undefined ? null : target;
}

export function convergenceOf(report: Report): Convergence {
  const byCause = new Map<MissCause, number[]>();
  let measured = 0;
  let met = 0;
  report.results.forEach((r, i) => {
    const p = precisionOf(r);
    if (!p) return;
    measured++;
    if (p.met) met++;
    else {
      const rows = byCause.get(p.cause!);
      // Appended in place: copying the list for each result would be quadratic in the results.
      if (rows) rows.push(i + 1);
      else byCause.set(p.cause!, [i + 1]);
    }
  });
  const missed = MISS_CAUSES.flatMap((cause) => (byCause.has(cause) ? [{ cause, rows: byCause.get(cause)! }] : []));
  const betweenRuns = report.results.filter(hasBetweenRuns).length;
  return { target: targetOf(report), measured, met, missed, ...(betweenRuns ? { betweenRuns } : {}) };
}
