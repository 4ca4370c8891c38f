import { describe, expect, it } from 'vitest';
import { summarize, throughputDrift } from '../../src/measure/summarize.js';
import type { WindowRecord } from '../../src/measure/result.js';
import type { SensorInfo } from '../../src/telemetry/types.js';

const sensor: SensorInfo = {
  sampler: 'test',
  device: 'cpu0',
  quantity: 'energy',
  unit: 'J',
  description: 'a counter',
  accuracy: { relative: 0.05, source: 'stated' },
};

/** Five 1-second windows of 100 iterations × 1e9 FLOP, with the given energies. */
function windows(joules: Array<number | null>): WindowRecord[] {
  return joules.map((e, i) => ({
    startNs: i * 2e9,
    endNs: i * 2e9 + 1e9,
    seconds: 1,
    iterations: 100,
    throughput: 1e11,
    energyJoules: e,
    counterJoules: e,
    integratedJoules: e === null ? null : e * 1.02,
    powerWatts: e,
    throttleReasons: [],
  }));
}

describe('estimates from windows', () => {
  const stop = { stop: true, converged: true, reason: 'ok' };

  it('computes power, energy per unit and work per joule with their budgets', () => {
    const s = summarize({
      windows: windows([200, 202, 198, 201, 199]),
      workPerIteration: 1e9,
      unit: 'FLOP',
      timerResolutionSeconds: 1e-9,
      energy: { sensor, method: 'counter' },
      idleWatts: 50,
      stop,
    });
    expect(s.throughput.value).toBe(1e11);
    expect(s.throughput.relStdDev).toBe(0);
    expect(s.power!.value).toBeCloseTo(200, 10);
    expect(s.power!.dynamicWatts).toBeCloseTo(150, 10);
    expect(s.energy!.joules).toBeCloseTo(1000, 10);
    expect(s.energy!.perUnit.value).toBeCloseTo(2e-9, 20);
    expect(s.energy!.perUnit.unit).toBe('J/FLOP');
    expect(s.efficiency!.unit).toBe('FLOP/J');
    // All the work over all the energy: 5 × 1e11 FLOP / 1000 J; above idle, over 750 J.
    expect(s.efficiency!.value).toBeCloseTo(5e8, -2);
    expect(s.efficiency!.value * s.energy!.perUnit.value).toBeCloseTo(1, 12);
    expect(s.efficiency!.dynamic!.value).toBeCloseTo(5e11 / 750, -2);
    expect(s.efficiency!.dynamic!.value * s.energy!.dynamicPerUnit!.value).toBeCloseTo(1, 12);
    // Power budget: type A = s/√5/200 = 1.58114/2.23607/200 = 0.353553 %, and ±5 % rectangular = 2.88675 %;
    // combined √(1.25e-5 + 8.33333e-4) = 2.90832 %.
    const pb = s.uncertainty.power!;
    expect(pb.components[0]!.relative).toBeCloseTo(0.00353553, 7);
    expect(pb.relCombined).toBeCloseTo(0.0290832, 6);
    expect(s.power!.ci95[1] - 200).toBeCloseTo(200 * pb.relExpanded, 6);
    // Both methods kept with their disagreement.
    expect(s.energy!.disagreement).toBeCloseTo(0.02, 12);
    expect(s.unavailable).toEqual({});
  });

  it('reports power as missing with the reason when there is no sensor — never zero', () => {
    const s = summarize({
      windows: windows([null, null, null]),
      workPerIteration: 1e9,
      unit: 'FLOP',
      timerResolutionSeconds: 1e-9,
      energy: { missing: 'RAPL: not readable' },
      idleWatts: null,
      stop,
    });
    expect(s.power).toBeNull();
    expect(s.energy).toBeNull();
    expect(s.efficiency).toBeNull();
    expect(s.unavailable).toEqual({ power: 'RAPL: not readable', energy: 'RAPL: not readable', efficiency: 'RAPL: not readable' });
    expect(s.uncertainty.power).toBeNull();
  });

  it('leaves dynamic figures out when power is not above idle', () => {
    const s = summarize({
      windows: windows([40, 41, 39]),
      workPerIteration: 1e9,
      unit: 'FLOP',
      timerResolutionSeconds: 1e-9,
      energy: { sensor, method: 'counter' },
      idleWatts: 50,
      stop,
    });
    expect(s.efficiency!.dynamic).toBeNull();
    expect(s.unavailable.dynamic).toMatch(/not above the idle/);
  });
});

describe('drift across windows', () => {
  const at = (values: number[]): WindowRecord[] =>
    values.map((v, i) => ({ ...windows([1])[0]!, startNs: i * 6e9, endNs: i * 6e9 + 1e9, throughput: v }));

  it('flags a steady decline as significant, in per cent of the mean per minute', () => {
    // One window every 0.1 min, falling 1 % of ~100 per window: −10 %/min.
    const d = throughputDrift(at([104, 103, 102, 101, 100, 99, 98, 97]))!;
    expect(d.relPerMinute).toBeCloseTo(-10 / 100.5, 6);
    expect(d.significant).toBe(true);
  });

  it('does not flag noise without a trend, and needs four windows', () => {
    expect(throughputDrift(at([100, 101, 99, 100.5, 99.5, 100]))!.significant).toBe(false);
    expect(throughputDrift(at([100, 101, 102]))).toBeNull();
  });
});
