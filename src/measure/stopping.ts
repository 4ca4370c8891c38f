/**
 * Stopping criteria for the measurement (pluggable, after nvbench): a
 * criterion looks at the windows so far, grouped in blocks (blocks.ts), and
 * says whether to stop. The runner starts a new block, after a fresh setup,
 * whenever the last one has `windowsPerBlock` windows.
 */
import { blockEstimate, type Blocks } from './blocks.js';
import { tQuantile } from './stats.js';

export interface StoppingState {
  /** Throughput of each window so far, by block; the last block may be unfinished. */
  blocks: Blocks;
  /** Seconds spent measuring this result so far (setups, warm-ups, windows and pauses). */
  elapsedSeconds: number;
}

export interface StoppingDecision {
  stop: boolean;
  /** True when the precision reached meets the target (a fixed amount of work counts as met). */
  converged: boolean;
  /** Why it stopped (for the report), when it did. */
  reason?: string;
}

export interface StoppingCriterion {
  readonly id: string;
  /** Describes the criterion's settings, for the report's config. */
  readonly settings: Record<string, number>;
  /** Windows in each block. */
  readonly windowsPerBlock: number;
  /** Blocks of a two-stage rule's first stage (its interval includes Stein's bound: blocks.ts). */
  readonly firstStageBlocks?: number;
  decide(state: StoppingState): StoppingDecision;
}

export interface ConfidenceOptions {
  /** Target 95 % half-width, relative to the mean. */
  targetRel: number;
  windowsPerBlock: number;
  /** Blocks of the first stage, from which the number of blocks is planned. */
  minBlocks: number;
  maxBlocks: number;
  capSeconds: number;
}

const complete = (blocks: Blocks, perBlock: number): number => blocks.filter((b) => b.length >= perBlock).length;

/** Relative 95 % half-width of the mean of the blocks (as the result will state it, less the timer's type B term). */
export function relHalfWidth(blocks: Blocks, firstStage?: number): number {
  const e = blockEstimate(blocks, 'throughput', firstStage);
  return tQuantile(0.975, e.dof) * e.relU;
}

/**
 * The blocks Stein's two-stage procedure asks for: from the first stage's
 * B₀ blocks (relative spread s of the block means, t with B₀ − 1 degrees of
 * freedom), the fewest B with t · s / √B ≤ target. Fixing the number of
 * blocks from the first stage alone, instead of stopping the moment the
 * running half-width meets the target, keeps the interval's coverage: a
 * running check stops preferentially when the spread happens to look small.
 */
export function plannedBlocks(firstStage: Blocks, targetRel: number): number {
  const B0 = firstStage.length;
  const e = blockEstimate(firstStage, 'throughput');
  const sRel = e.relU * Math.sqrt(B0);
  return Math.max(B0, Math.ceil((tQuantile(0.975, B0 - 1) * sRel / targetRel) ** 2));
}

/**
 * Measure `minBlocks` blocks, plan the number of blocks from them (Stein),
 * then measure that many; give up at `maxBlocks` or `capSeconds` (at a block's
 * end, and never before two blocks). `converged` says whether the final
 * half-width met the target.
 */
export function confidenceCriterion(opts: ConfidenceOptions): StoppingCriterion {
  const target = `target ${(opts.targetRel * 100).toFixed(2)} %`;
  return {
    id: 'two-stage-blocks',
    settings: { ...opts },
    windowsPerBlock: opts.windowsPerBlock,
    firstStageBlocks: opts.minBlocks,
    decide({ blocks, elapsedSeconds }) {
      const done = complete(blocks, opts.windowsPerBlock);
      if (done === 0 || blocks[blocks.length - 1]!.length < opts.windowsPerBlock) return { stop: false, converged: false };
      const reached = (): string => `95 % half-width ${(relHalfWidth(blocks, opts.minBlocks) * 100).toFixed(2)} %`;
      const met = (): boolean => relHalfWidth(blocks, opts.minBlocks) <= opts.targetRel;
      if (done >= opts.minBlocks) {
        const wanted = plannedBlocks(blocks.slice(0, opts.minBlocks), opts.targetRel);
        if (done >= Math.min(wanted, opts.maxBlocks)) {
          const why = wanted > opts.maxBlocks ? `the maximum of ${opts.maxBlocks} blocks (${wanted} wanted)` : `the ${wanted} blocks planned from the first ${opts.minBlocks}`;
          return { stop: true, converged: met(), reason: `${reached()} after ${why} (${target})` };
        }
      }
      if (elapsedSeconds >= opts.capSeconds && done >= 2) return { stop: true, converged: met(), reason: `${reached()} at the time cap of ${opts.capSeconds} s after ${done} blocks (${target})` };
      return { stop: false, converged: false };
    },
  };
}

/** Exactly `windows` windows, in blocks of `windowsPerBlock` (benchmarks, --windows); the time cap still applies. */
export function fixedWindowsCriterion(windows: number, capSeconds = Infinity, windowsPerBlock = 1): StoppingCriterion {
  return {
    id: 'fixed-windows',
    settings: { windows, windowsPerBlock, ...(Number.isFinite(capSeconds) ? { capSeconds } : {}) },
    windowsPerBlock,
    decide({ blocks, elapsedSeconds }) {
      const n = blocks.reduce((s, b) => s + b.length, 0);
      if (n >= windows) return { stop: true, converged: true, reason: `fixed ${windows} windows` };
      if (elapsedSeconds >= capSeconds && n >= 2) {
        return { stop: true, converged: false, reason: `reached the time cap of ${capSeconds} s after ${n} of the ${windows} windows asked for` };
      }
      return { stop: false, converged: false };
    },
  };
}
