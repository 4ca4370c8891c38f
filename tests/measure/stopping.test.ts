import { describe, expect, it } from 'vitest';
import { confidenceCriterion, fixedWindowsCriterion, plannedBlocks, relHalfWidth } from '../../src/measure/stopping.js';

describe('two-stage stopping over blocks', () => {
  const c = confidenceCriterion({ targetRel: 0.01, windowsPerBlock: 2, minBlocks: 3, maxBlocks: 6, capSeconds: 10 });
  const steady = [
    [100, 100.1],
    [99.9, 100],
    [100.1, 99.9],
  ];

  it('decides only at the end of a block, and not before the first stage is complete, however tight', () => {
    expect(c.decide({ blocks: steady.slice(0, 2), elapsedSeconds: 1 }).stop).toBe(false);
    expect(c.decide({ blocks: [...steady, [100]], elapsedSeconds: 1 }).stop).toBe(false);
  });

  it('stops after the first stage when it already meets the target, converged', () => {
    // Block means 100.05, 99.95, 100: s = 0.05, half-width = 4.303 × 0.05 / √3 = 0.124 → 0.12 % of the mean.
    expect(relHalfWidth(steady, 3)).toBeCloseTo((4.3027 * 0.05) / Math.sqrt(3) / 100, 5);
    expect(c.decide({ blocks: steady, elapsedSeconds: 1 })).toMatchObject({ stop: true, converged: true });
  });

  it('plans the blocks from the first stage (Stein): the fewest B with t₂ · s / √B within the target', () => {
    // Block means 100, 102, 98: s = 2 (2 %), t(0.975, 2) = 4.303 → B = ⌈(4.303 × 2 / 1)²⌉ = 75.
    const wide = [
      [100, 100],
      [102, 102],
      [98, 98],
    ];
    expect(plannedBlocks(wide, 0.01)).toBe(75);
    // ... more than the maximum of 6: it measures 6 and says it did not converge.
    expect(c.decide({ blocks: [...wide, [100, 100], [101, 99]], elapsedSeconds: 1 }).stop).toBe(false);
    const d = c.decide({ blocks: [...wide, [100, 100], [101, 99], [100, 100]], elapsedSeconds: 1 });
    expect(d).toMatchObject({ stop: true, converged: false });
    expect(d.reason).toMatch(/maximum of 6 blocks \(75 wanted\)/);
  });

  it('gives up at the time cap at a block’s end, never before two blocks', () => {
    const wide = [
      [100, 110],
      [90, 100],
    ];
    expect(c.decide({ blocks: wide.slice(0, 1), elapsedSeconds: 11 }).stop).toBe(false);
    expect(c.decide({ blocks: [...wide, [95]], elapsedSeconds: 11 }).stop).toBe(false);
    const capped = c.decide({ blocks: wide, elapsedSeconds: 11 });
    expect(capped).toMatchObject({ stop: true, converged: false });
    expect(capped.reason).toMatch(/time cap of 10 s after 2 blocks/);
  });
});

describe('fixed windows', () => {
  it('stops after exactly N, across blocks', () => {
    const c = fixedWindowsCriterion(3, Infinity, 2);
    expect(c.windowsPerBlock).toBe(2);
    expect(c.decide({ blocks: [[1, 2]], elapsedSeconds: 0 }).stop).toBe(false);
    expect(c.decide({ blocks: [[1, 2], [3]], elapsedSeconds: 0 }).stop).toBe(true);
  });

  it('stops at the time cap first (not converged), once it has the two windows an uncertainty needs', () => {
    const c = fixedWindowsCriterion(1000, 1);
    expect(c.decide({ blocks: [[1]], elapsedSeconds: 5 }).stop).toBe(false);
    expect(c.decide({ blocks: [[1], [2]], elapsedSeconds: 0.9 }).stop).toBe(false);
    expect(c.decide({ blocks: [[1], [2]], elapsedSeconds: 1 })).toEqual({ stop: true, converged: false, reason: 'reached the time cap of 1 s after 2 of the 1000 windows asked for' });
    expect(c.settings).toEqual({ windows: 1000, windowsPerBlock: 1, capSeconds: 1 });
  });
});
