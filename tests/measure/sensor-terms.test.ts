import { describe, expect, it } from 'vitest';
import { coverageTerm, sensorComponents, sensorTerms } from '../../src/measure/sensor-terms.js';
import type { SensorInfo } from '../../src/telemetry/types.js';

/** NVML's energy counter on a Hopper GPU, as the sampler describes it. */
const counter: SensorInfo = {
  sampler: 'nvml',
  device: 'nvidia:0000:10:00.0',
  quantity: 'energy',
  unit: 'J',
  description: 'NVML total energy counter',
  accuracy: { absolute: 5, source: 'nvidia-smi documentation: power draw accurate to ±5 W' },
  resolution: 1e-3,
  updateIntervalSeconds: 0.1,
  observedFraction: 0.25,
};

describe('sensor terms, each with its kind', () => {
  it('take an energy counter’s ±5 W as a power offset against the mean power, and its mJ step over the window', () => {
    const c = sensorComponents(counter, { watts: 250, seconds: 5, rangeWatts: 20 });
    expect(c.map((x) => x.kind)).toEqual(['offset', 'resolution', 'coverage']);
    // 5 W / 250 W / √3 = 1.15470 %.
    expect(c[0]!.relative).toBeCloseTo(0.0115470, 7);
    // 1 mJ over a 5 s window is 0.2 mW: 2e-4 / 250 / √3 = 4.61880e-7.
    expect(c[1]!.relative).toBeCloseTo(4.6188e-7, 11);
    // Sees 25 %: (1 − 0.25) × 20 W / 2 = 7.5 W → 7.5 / 250 / √3 = 1.73205 %.
    expect(c[2]!.relative).toBeCloseTo(0.0173205, 7);
    expect(c.every((x) => x.type === 'B' && x.distribution === 'rectangular' && x.dof === null)).toBe(true);
  });

  it('give a relative accuracy as a gain, the same fraction at any power', () => {
    const rapl: SensorInfo = { ...counter, accuracy: { relative: 0.05, source: 'assumed' }, observedFraction: 1 };
    const [gain] = sensorTerms(rapl, { watts: 40, seconds: 1, rangeWatts: 3 });
    expect(gain).toMatchObject({ kind: 'gain', halfWidth: 0.05 });
    expect(sensorComponents(rapl, { watts: 40, seconds: 1, rangeWatts: 3 })[0]!.relative).toBeCloseTo(0.05 / Math.sqrt(3), 12);
  });

  it('bound a part-time sensor without readings by SC’24’s residual ±5 %, and a full-time one not at all', () => {
    expect(coverageTerm(counter, { watts: 300, seconds: 5, rangeWatts: null })).toMatchObject({ kind: 'coverage', halfWidth: 15 });
    expect(coverageTerm({ ...counter, observedFraction: 1 }, { watts: 300, seconds: 5, rangeWatts: 50 })).toBeNull();
    expect(coverageTerm({ ...counter, observedFraction: undefined }, { watts: 300, seconds: 5, rangeWatts: 50 })).toBeNull();
  });
});
