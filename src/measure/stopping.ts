/**
 * Stopping criteria for the measurement windows (pluggable, after nvbench):
 * a criterion looks at the windows so far and says whether to stop.
 */
import { meanInterval } from './stats.js';

export interface StoppingState {
  /** Throughput of each window so far. */
  windowValues: readonly number[];
  /** Seconds spent measuring this result so far (windows and gaps). */
  elapsedSeconds: number;
}

export interface StoppingDecision {
  stop: boolean;
  /** True when the stop is because the target was met. */
  converged: boolean;
  /** Why it stopped (for the report), when it did. */
  reason?: string;
}

export interface StoppingCriterion {
  readonly id: string;
  /** Describes the criterion's settings, for the report's config. */
  readonly settings: Record<string, number>;
  decide(state: StoppingState): StoppingDecision;
}

/**
 * Stop when the 95 % confidence half-width of the mean window throughput is
 * within `targetRel` of the mean, after at least `minWindows`; give up (not
 * converged) after `maxWindows` or `capSeconds`.
 */
export function confidenceCriterion(opts: { targetRel: number; minWindows: number; maxWindows: number; capSeconds: number }): StoppingCriterion {
  return {
    id: 'confidence-half-width',
    settings: { ...opts },
    decide({ windowValues, elapsedSeconds }) {
      const n = windowValues.length;
      if (n >= opts.minWindows && n >= 2) {
        const ci = meanInterval(windowValues);
        const rel = ci.halfWidth / Math.abs(ci.mean);
        if (rel <= opts.targetRel) {
          return { stop: true, converged: true, reason: `95 % half-width ${(rel * 100).toFixed(2)} % ≤ target ${(opts.targetRel * 100).toFixed(2)} %` };
        }
      }
      if (n >= opts.maxWindows) return { stop: true, converged: false, reason: `reached the maximum of ${opts.maxWindows} windows before the target` };
      if (elapsedSeconds >= opts.capSeconds && n >= Math.min(2, opts.minWindows)) {
        return { stop: true, converged: false, reason: `reached the time cap of ${opts.capSeconds} s before the target` };
      }
      return { stop: false, converged: false };
    },
  };
}

/**
 * Exactly `windows` windows (for benchmarks and tests that want a fixed
 * amount of work) — unless the time cap comes first: then it stops there
 * (not converged, saying how many of the windows it measured), as long as
 * it has the two windows an uncertainty needs.
 */
export function fixedWindowsCriterion(windows: number, capSeconds = Infinity): StoppingCriterion {
  return {
    id: 'fixed-windows',
    settings: { windows, ...(Number.isFinite(capSeconds) ? { capSeconds } : {}) },
    decide({ windowValues, elapsedSeconds }) {
      const n = windowValues.length;
      if (n >= windows) return { stop: true, converged: true, reason: `fixed ${windows} windows` };
      if (elapsedSeconds >= capSeconds && n >= 2) {
        return { stop: true, converged: false, reason: `reached the time cap of ${capSeconds} s after ${n} of the ${windows} windows asked for` };
      }
      return { stop: false, converged: false };
    },
  };
}
