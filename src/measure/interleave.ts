/**
 * Interleaved measurement: the results planned for one device are measured a
 * block at a time, in a fresh random order each round, instead of each in one
 * stretch (Google Benchmark's "random interleaving" does the same with its
 * repetitions).
 *
 * Why: on a shared host the machine's state wanders on a scale of tens of
 * seconds. On the 2-core CI VM, bench:repeat's block means show episodes of
 * 10–45 s in which gemm ran 15–20 % slower and triad 30 % faster (another
 * tenant's load), against results that take 40–60 s each. Measured in one
 * stretch, a result sees one such stretch of the host's history: a run whose
 * stretch was quiet states ±0.2 % and the next run, which caught an episode,
 * lies 3 % away. Interleaved, each result's blocks are spread over the whole
 * run, so its mean averages more of the host's states and its block spread
 * shows them; consecutive blocks of one result are further apart in time, so
 * they are less correlated. A random order, rather than a fixed rotation,
 * keeps any result from always following the same one (caches, clocks and
 * heat left behind by the kernel before).
 *
 * Each step disposes its kernel (runner.ts), so the device holds one result's
 * buffers at a time; the results' inputs stay in host memory between their
 * blocks, so a device's results are grouped only while their inputs fit in
 * half the host memory available (the rest is for the block being measured).
 */
import type { Rng } from '../core/random.js';
import type { Result } from './result.js';
import type { ResultMeasurement } from './runner.js';

/** What the scheduler needs of a result's measurement. */
export type Steppable = Pick<ResultMeasurement, 'done' | 'outcome' | 'step' | 'abandon'>;

/** What grouping needs to know of a planned result. */
export interface Groupable {
  /** The device it runs on: only one device's results are interleaved. */
  device: string;
  /** Host bytes it needs (inputs, outputs, reference). */
  memoryBytes: number;
}

/**
 * Consecutive runs of items to interleave: each device's consecutive items, while their host memory adds up to at
 * most half of `availableBytes`. With `enabled` false, every item is a group of its own (measured in one stretch).
 */
export function interleaveGroups<T extends Groupable>(items: readonly T[], availableBytes: number, enabled: boolean): T[][] {
  const groups: T[][] = [];
  let bytes = 0;
  for (const item of items) {
    const last = groups[groups.length - 1];
    const joins = enabled && last !== undefined && last[0]!.device === item.device && bytes + item.memoryBytes <= availableBytes / 2;
    if (joins) {
      last.push(item);
      bytes += item.memoryBytes;
    } else {
      groups.push([item]);
      bytes = item.memoryBytes;
    }
  }
  return groups;
}

/** What the scheduler tells its caller. */
export interface InterleaveHooks {
  /** Result `index` takes its next step; `first` on its first. */
  onStep?(index: number, first: boolean): void;
  /** Result `index` is final. */
  onDone?(index: number, result: Result): void;
}

/**
 * Steps the measurements round by round, each round in a random order, until every one is final. Once `signal` is
 * aborted no step starts: the unfinished are abandoned (aborted). Returns the results in the measurements' order.
 */
export async function measureInterleaved(measurements: readonly Steppable[], rng: Rng, signal: AbortSignal, hooks: InterleaveHooks = {}): Promise<Result[]> {
  const stepped = new Set<number>();
  const finish = (i: number): void => hooks.onDone?.(i, measurements[i]!.outcome);
  measurements.forEach((m, i) => m.done && finish(i));
  for (;;) {
    const open = measurements.map((m, i) => (m.done ? -1 : i)).filter((i) => i >= 0);
    if (open.length === 0 || signal.aborted) break;
    for (const i of rng.shuffle(open)) {
      if (signal.aborted) break;
      hooks.onStep?.(i, !stepped.has(i));
      stepped.add(i);
      await measurements[i]!.step();
      if (measurements[i]!.done) finish(i);
    }
  }
  for (const [i, m] of measurements.entries()) {
    if (!m.done) {
      m.abandon();
      finish(i);
    }
  }
  return measurements.map((m) => m.outcome);
}
