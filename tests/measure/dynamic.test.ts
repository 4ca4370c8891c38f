/**
 * Figures above idle with the idle baseline's uncertainty and the sensor's
 * terms propagated (src/measure/dynamic.ts), through summarize(), against
 * budgets worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { summarize, type SummaryInput } from '../../src/measure/summarize.js';
import type { WindowRecord } from '../../src/measure/result.js';
import type { UncertaintyBudget } from '../../src/measure/uncertainty.js';
import type { SensorInfo } from '../../src/telemetry/types.js';

/** A power sensor with every kind of term: ±3 % gain, ±5 W offset, 0.5 W steps, observing half the time. */
const sensor: SensorInfo = {
  sampler: 'test',
  device: 'gpu0',
  quantity: 'power',
  unit: 'W',
  description: 'a part-time power reading',
  accuracy: { relative: 0.03, absolute: 5, source: 'stated' },
  resolution: 0.5,
  observedFraction: 0.5,
};

/** Four 2-second windows of 1e12 FLOP each at the given mean powers. */
function windows(watts: number[]): WindowRecord[] {
  return watts.map((p, i) => ({
    startNs: i * 3e9,
    endNs: i * 3e9 + 2e9,
    seconds: 2,
    iterations: 1000,
    throughput: 5e11,
    energyJoules: p * 2,
    counterJoules: null,
    integratedJoules: p * 2,
    powerWatts: p,
    throttleReasons: [],
  }));
}

const input = (over: Partial<SummaryInput> = {}): SummaryInput => ({
  windows: windows([210, 190, 205, 195]),
  workPerIteration: 1e9,
  unit: 'FLOP',
  timerResolutionSeconds: 1e-9,
  energy: { sensor, method: 'integrated' },
  idleWatts: 100,
  idleBaseline: { watts: 100, seconds: 4, method: 'integrated', startNs: 0, endNs: 4e9, spread: { uWatts: 0.5, effectiveReadings: 11, readings: 80, rangeWatts: 4 } },
  readingRangeWatts: 8,
  stop: { stop: true, converged: true, reason: 'ok' },
  ...over,
});

const line = (b: UncertaintyBudget, pattern: RegExp) => b.components.find((c) => pattern.test(c.source))!;

describe('figures above idle', () => {
  it('propagate the idle mean’s standard error, the gain, and both readings’ resolution and coverage against P_dyn; the offset cancels', () => {
    const s = summarize(input());
    const d = s.uncertainty.dynamicPower!;
    // P_dyn per window 110, 90, 105, 95: mean 100 W, s = √(250/3) = 9.12871, s/√4 = 4.56435 W → 4.56435 %, 3 dof.
    expect(s.power!.dynamic!.value).toBeCloseTo(100, 12);
    expect(d.components[0]!.relative).toBeCloseTo(0.0456435, 6);
    expect(d.components[0]!.dof).toBe(3);
    // Idle: 0.5 W / 100 W = 0.5 %, with 11 − 1 = 10 dof.
    const idle = line(d, /^idle baseline/);
    expect(idle.relative).toBeCloseTo(0.005, 12);
    expect(idle.dof).toBe(10);
    // Gain ±3 %: 3 % / √3 = 1.73205 %, as for the total (it scales P_L and P_0 alike).
    expect(line(d, /gain/).relative).toBeCloseTo(0.0173205, 6);
    // Offset ±5 W: cancels in load − idle.
    expect(line(d, /offset/)).toMatchObject({ relative: 0, kind: 'offset' });
    // Resolution 0.5 W in each reading: 0.5 / 100 / √3 = 0.288675 % twice.
    expect(line(d, /^under load: sensor resolution/).relative).toBeCloseTo(0.00288675, 8);
    expect(line(d, /^idle: sensor resolution/).relative).toBeCloseTo(0.00288675, 8);
    // Coverage f = 0.5: load (1 − 0.5) × 8 W / 2 = 2 W → 1.15470 %; idle 0.5 × 4 W / 2 = 1 W → 0.577350 %.
    expect(line(d, /^under load: partial coverage/).relative).toBeCloseTo(0.0115470, 7);
    expect(line(d, /^idle: partial coverage/).relative).toBeCloseTo(0.00577350, 8);
    // Combined: √(20.8333 + 0.25 + 3 + 2 × 0.0833333 + 1.33333 + 0.333333) % = √25.9167 % = 5.09084 %.
    expect(d.relCombined).toBeCloseTo(0.0509084, 6);
    expect(s.power!.dynamic!.ci95[1] - 100).toBeCloseTo(100 * d.relExpanded, 9);
  });

  it('give energy per unit and work per joule above idle the same idle and sensor lines, and keep them reciprocal', () => {
    const s = summarize(input());
    const e = s.uncertainty.dynamicEnergyPerUnit!;
    const f = s.uncertainty.dynamicEfficiency!;
    // 800 J above idle over 4e12 FLOP.
    expect(s.energy!.dynamicPerUnit!.value).toBeCloseTo(2e-10, 22);
    expect(s.efficiency!.dynamic!.value * s.energy!.dynamicPerUnit!.value).toBeCloseTo(1, 12);
    // Energy per window above idle 220, 180, 210, 190 J per 1e12 FLOP: the same 4.56435 % spread as the power.
    expect(e.components[0]!.relative).toBeCloseTo(0.0456435, 6);
    expect(e.components.slice(1)).toEqual(s.uncertainty.dynamicPower!.components.slice(1));
    expect(f.components.slice(1)).toEqual(s.uncertainty.dynamicPower!.components.slice(1));
    expect(s.efficiency!.dynamic!.ci95[0]).toBeLessThan(s.efficiency!.dynamic!.value);
  });

  it('state the offset against the total power, where it does not cancel', () => {
    const s = summarize(input());
    const p = s.uncertainty.power!;
    // 5 W / 200 W / √3 = 1.44338 %; coverage 2 W / 200 W / √3 = 0.577350 %.
    expect(p.components.find((c) => c.kind === 'offset')!.relative).toBeCloseTo(0.0144338, 6);
    expect(p.components.find((c) => c.kind === 'coverage')!.relative).toBeCloseTo(0.0057735, 7);
    expect(p.components.find((c) => c.kind === 'gain')!.relative).toBeCloseTo(0.0173205, 6);
  });

  it('without the baseline’s record (an older caller) still propagate the gain and the loaded terms, not the idle ones', () => {
    const { idleBaseline: _ignored, ...rest } = input();
    const d = summarize(rest).uncertainty.dynamicPower!;
    expect(d.components.some((c) => /^idle/.test(c.source))).toBe(false);
    expect(line(d, /gain/).relative).toBeCloseTo(0.0173205, 6);
    expect(line(d, /^under load: partial coverage/).relative).toBeCloseTo(0.0115470, 7);
  });

  it('have no budgets where power is not above idle, saying why', () => {
    const s = summarize(input({ idleWatts: 200 }));
    expect(s.power!.dynamic).toBeNull();
    expect(s.uncertainty.dynamicPower).toBeUndefined();
    expect(s.unavailable.dynamic).toMatch(/not above the idle/);
  });
});
