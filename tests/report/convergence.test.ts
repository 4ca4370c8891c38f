import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/measure/result.js';
import { confidenceCriterion, fixedWindowsCriterion, type StoppingCriterion, type StoppingDecision } from '../../src/measure/stopping.js';
import { convergenceOf, precisionOf, targetOf } from '../../src/report/convergence.js';
import { convergenceLine, precisionLegend, summaryRows } from '../../src/report/summary.js';
import type { Report } from '../../src/report/types.js';
import { reportWith, resultWith } from '../fixtures/report.js';

/** Target 1 %, two windows a block, a first stage of three blocks, at most six, a 10 s cap. */
const criterion = confidenceCriterion({ targetRel: 0.01, windowsPerBlock: 2, minBlocks: 3, maxBlocks: 6, capSeconds: 10 });

/** The criterion's decision once it stops on these blocks, fed one block at a time (as the runner does), `seconds` each. */
function stopOn(c: StoppingCriterion, blocks: number[][], seconds = 1): StoppingDecision {
  for (let n = 1; n <= blocks.length; n++) {
    const d = c.decide({ blocks: blocks.slice(0, n), elapsedSeconds: n * seconds });
    if (d.stop) return d;
  }
  throw new Error('the criterion never stopped');
}

/** A completed result (U = t(0.975, 9) × 0.5 % = 1.13 %) that stopped as `d` says; `drifted`: a significant drift. */
function stoppedBy(d: StoppingDecision, drifted = false): Result {
  const r = resultWith({ probe: 'gemm', params: { n: 256, dtype: 'f32' }, throughput: 4e9, relA: 0.005 });
  r.throughput = { ...r.throughput!, converged: d.converged, stopReason: d.reason!, drift: drifted ? { relPerMinute: 0.05, p: 0.001, significant: true } : { relPerMinute: 0.001, p: 0.6, significant: false } };
  return r;
}

const steady = [
  [100, 100.1],
  [99.9, 100],
  [100.1, 99.9],
];
const met = stopOn(criterion, steady);
/** Slow blocks, 20 s each: the cap after two. */
const capped = stopOn(criterion, [[100, 110], [90, 100], [95, 105]], 20);
/** A first stage 2 % apart asks for 75 blocks: it stops at the maximum of 6. */
const maxed = stopOn(criterion, [[100, 100], [102, 102], [98, 98], [100, 100], [101, 99], [100, 100]]);
/** A first stage 0.5 % apart plans a few blocks; the later ones scatter by 10 %: the planned blocks are too few. */
const planned = stopOn(criterion, [[100, 100], [100.5, 100.5], [99.5, 99.5], [110, 110], [90, 90], [110, 110]]);

function mixedReport(): Report {
  const errored: Result = { ...stoppedBy(met), status: 'errored', reason: 'out of memory', throughput: null };
  const report = reportWith([stoppedBy(met), stoppedBy(capped), stoppedBy(maxed), stoppedBy(capped, true), stoppedBy(planned), errored, stoppedBy(capped)]);
  report.config.stopping = { criterion: criterion.id, settings: criterion.settings };
  return report;
}

describe('the stopping rule’s real decisions', () => {
  it('cover each way of stopping', () => {
    expect(met.converged).toBe(true);
    expect(capped).toMatchObject({ converged: false, reason: expect.stringMatching(/time cap/) });
    expect(maxed).toMatchObject({ converged: false, reason: expect.stringMatching(/maximum of 6 blocks/) });
    expect(planned).toMatchObject({ converged: false, reason: expect.stringMatching(/blocks planned from the first 3/) });
  });
});

describe('precisionOf', () => {
  it('states the relative 95 % half-width, whether it met the target, and why not', () => {
    // resultWith's interval: ±t(0.975, 9) × 0.5 % = ±1.131 %.
    expect(precisionOf(stoppedBy(met))).toEqual({ relHalfWidth: expect.closeTo(0.01131, 5), met: true, cause: null });
    expect(precisionOf(stoppedBy(capped))!.cause).toBe('time cap');
    expect(precisionOf(stoppedBy(maxed))!.cause).toBe('maximum blocks');
    expect(precisionOf(stoppedBy(planned))!.cause).toBe('planned blocks');
    // A significant drift is the cause, whatever limit the rule hit: the machine was not steady.
    expect(precisionOf(stoppedBy(capped, true))!.cause).toBe('drift');
    expect(precisionOf({ ...stoppedBy(met), status: 'errored', throughput: null })).toBeNull();
  });
});

describe('convergenceOf', () => {
  it('counts the measured results that met the target and groups the others by cause, with their row numbers', () => {
    expect(convergenceOf(mixedReport())).toEqual({
      target: 0.01,
      measured: 6,
      met: 1,
      missed: [
        { cause: 'drift', rows: [4] },
        { cause: 'time cap', rows: [2, 7] },
        { cause: 'maximum blocks', rows: [3] },
        { cause: 'planned blocks', rows: [5] },
      ],
    });
  });

  it('has no target for a fixed number of windows', () => {
    const report = mixedReport();
    const fixed = fixedWindowsCriterion(10, 60);
    report.config.stopping = { criterion: fixed.id, settings: fixed.settings };
    expect(targetOf(report)).toBeNull();
  });
});

describe('convergenceLine', () => {
  it('says in one line how many met the target and why the rest did not', () => {
    const line = convergenceLine(convergenceOf(mixedReport()));
    expect(line).toBe('precision: 1 of 6 results met the 1 % target; 5 did not — drift (not in a steady state): 1 (#4); time cap: 2 (#2, #7); maximum blocks: 1 (#3); planned blocks too few: 1 (#5)');
    expect(line).not.toContain('\n');
  });

  it('says so when all met it, and lists at most six row numbers of a cause', () => {
    expect(convergenceLine({ target: 0.005, measured: 3, met: 3, missed: [] })).toBe('precision: all 3 results met the 0.5 % target');
    expect(convergenceLine({ target: 0.01, measured: 1, met: 1, missed: [] })).toBe('precision: the result met the 1 % target');
    const many = convergenceLine({ target: 0.01, measured: 9, met: 1, missed: [{ cause: 'time cap', rows: [1, 2, 3, 4, 5, 6, 7, 8] }] });
    expect(many).toBe('precision: 1 of 9 results met the 1 % target; 8 did not — time cap: 8 (#1, #2, #3, #4, #5, #6, …)');
  });

  it('for a fixed number of windows, speaks of the windows, not of a target', () => {
    const c = { target: null, measured: 2, met: 1, missed: [{ cause: 'time cap' as const, rows: [2] }] };
    expect(convergenceLine(c)).toBe('precision: 1 of 2 results measured every window asked for (no precision target); 1 did not — time cap: 1 (#2)');
    expect(precisionLegend(c)).toMatch(/✓ all the windows asked for measured, ✗ did not/);
  });
});

describe('the results table’s ±95 % column', () => {
  it('states the half-width reached and ✓ or ✗ instead of a bare star; the status where there is no throughput', () => {
    const rows = summaryRows(mixedReport().results);
    expect(rows.map((r) => r[5])).toEqual(['±1.1 % ✓', '±1.1 % ✗', '±1.1 % ✗', '±1.1 % ✗', '±1.1 % ✗', 'errored', '±1.1 % ✗']);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });
});
