import { describe, expect, it } from 'vitest';
import { confidenceCriterion, fixedWindowsCriterion } from '../../src/measure/stopping.js';

describe('confidence half-width stopping', () => {
  const c = confidenceCriterion({ targetRel: 0.01, minWindows: 3, maxWindows: 6, capSeconds: 10 });

  it('does not stop before the minimum number of windows, however tight', () => {
    expect(c.decide({ windowValues: [100, 100], elapsedSeconds: 1 }).stop).toBe(false);
  });

  it('stops converged once the 95 % half-width is within the target', () => {
    // [100, 100.1, 99.9]: s = 0.1, half-width = 4.303 × 0.1/√3 = 0.248 → 0.25 % of the mean.
    const d = c.decide({ windowValues: [100, 100.1, 99.9], elapsedSeconds: 1 });
    expect(d).toMatchObject({ stop: true, converged: true });
  });

  it('keeps going while the interval is too wide, then gives up at the window or time cap', () => {
    const wide = [100, 110, 90];
    expect(c.decide({ windowValues: wide, elapsedSeconds: 1 }).stop).toBe(false);
    expect(c.decide({ windowValues: [...wide, 105, 95, 100], elapsedSeconds: 1 })).toMatchObject({ stop: true, converged: false });
    const capped = c.decide({ windowValues: wide, elapsedSeconds: 11 });
    expect(capped).toMatchObject({ stop: true, converged: false });
    expect(capped.reason).toMatch(/time cap/);
  });
});

describe('fixed windows', () => {
  it('stops after exactly N', () => {
    const c = fixedWindowsCriterion(3);
    expect(c.decide({ windowValues: [1, 2], elapsedSeconds: 0 }).stop).toBe(false);
    expect(c.decide({ windowValues: [1, 2, 3], elapsedSeconds: 0 }).stop).toBe(true);
  });

  it('stops at the time cap first (not converged), once it has the two windows an uncertainty needs', () => {
    const c = fixedWindowsCriterion(1000, 1);
    expect(c.decide({ windowValues: [1], elapsedSeconds: 5 }).stop).toBe(false);
    expect(c.decide({ windowValues: [1, 2], elapsedSeconds: 0.9 }).stop).toBe(false);
    expect(c.decide({ windowValues: [1, 2], elapsedSeconds: 1 })).toEqual({ stop: true, converged: false, reason: 'reached the time cap of 1 s after 2 of the 1000 windows asked for' });
    expect(c.settings).toEqual({ windows: 1000, capSeconds: 1 });
  });
});
