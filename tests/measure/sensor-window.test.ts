/**
 * Windows long enough for the power sensor, and the partial-coverage term, through the real NVML sampler,
 * telemetry worker and idle baseline against the fake libnvidia-ml (tests/fixtures/fake-nvml.c).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNvmlSampler } from '../../src/telemetry/nvml-sampler.js';
import { Telemetry } from '../../src/telemetry/service.js';
import { monotonicNs, sleep } from '../../src/core/clock.js';
import { PRESETS } from '../../src/measure/presets.js';
import { windowSecondsFor } from '../../src/measure/suite.js';
import { MIN_UPDATES_PER_WINDOW, coarseEnergyNote, updateFloorSeconds } from '../../src/measure/sensor-window.js';
import { idleBaseline } from '../../src/measure/idle.js';
import { withinWindowRange } from '../../src/measure/readings.js';
import { sensorComponents } from '../../src/measure/sensor-terms.js';
import type { SensorInfo } from '../../src/telemetry/types.js';
import { requireComponent } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

const GPU = 'nvidia:0000:10:00.0';
let fake = '';
const saved = { ...process.env };
const cleanup: Array<() => Promise<void> | void> = [];
beforeAll(() => {
  if (hasCompiler()) fake = fakePath('nvml');
});
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVML') || k === 'FLOPMETER_NVML') delete process.env[k];
  if (saved.FLOPMETER_NVML !== undefined) process.env.FLOPMETER_NVML = saved.FLOPMETER_NVML;
});

async function nvmlSensors(): Promise<SensorInfo[]> {
  process.env.FLOPMETER_NVML = fake;
  const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
  cleanup.push(() => s.close?.());
  return s.sensors.filter((x) => x.device === GPU);
}

describe('window length against the power sensor', () => {
  it('keeps every preset at 4 or more of NVML’s 100 ms updates; standard and full at its recommended 5 s', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const sensors = await nvmlSensors();
    expect(updateFloorSeconds(sensors)).toBeCloseTo(MIN_UPDATES_PER_WINDOW * 0.1, 12);
    // quick asks for 0.2 s: two updates, raised to four.
    expect(windowSecondsFor(PRESETS.quick, sensors)).toBeCloseTo(0.4, 12);
    expect(windowSecondsFor(PRESETS.standard, sensors)).toBe(5);
    expect(windowSecondsFor(PRESETS.full, sensors)).toBe(5);
    for (const p of Object.values(PRESETS)) expect(windowSecondsFor(p, sensors)).toBeGreaterThanOrEqual(MIN_UPDATES_PER_WINDOW * 0.1 - 1e-12);
  });

  it('has quick say its energy figures are coarse on NVML, and not at the recommended length', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const sensors = await nvmlSensors();
    expect(coarseEnergyNote(windowSecondsFor(PRESETS.quick, sensors), sensors)).toMatch(/^energy figures are coarse: 0\.4 s windows are shorter than the 5 s/);
    expect(coarseEnergyNote(windowSecondsFor(PRESETS.standard, sensors), sensors)).toBeNull();
  });

  it('leaves quick’s windows alone on a counter that updates every millisecond', () => {
    const rapl: SensorInfo = { sampler: 'rapl', device: 'cpu0', quantity: 'energy', unit: 'J', description: 'RAPL', updateIntervalSeconds: 0.001, minWindowSeconds: 0.01, observedFraction: 1 };
    expect(windowSecondsFor(PRESETS.quick, [rapl])).toBe(0.2);
    expect(coarseEnergyNote(0.2, [rapl])).toBeNull();
  });
});

describe('the idle baseline’s spread and the partial-coverage term from live readings', () => {
  async function telemetry(env: Record<string, string>): Promise<Telemetry> {
    Object.assign(process.env, { FLOPMETER_NVML: fake, ...env });
    const t = await Telemetry.start({ samplers: ['nvml'], options: { cpuDevice: 'cpu0' } });
    cleanup.push(() => t.stop());
    return t;
  }

  it('a steady power: no spread, and every reading counted as independent', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const t = await telemetry({});
    const idle = await idleBaseline(t, GPU, 0.5, new AbortController().signal);
    expect(idle.watts).toBeCloseTo(250, 0);
    const spread = 'spread' in idle ? idle.spread! : null;
    expect(spread!.readings).toBeGreaterThanOrEqual(3);
    expect(spread).toMatchObject({ uWatts: 0, rangeWatts: 0, effectiveReadings: spread!.readings });
  });

  it('a power that swings: the idle readings are autocorrelated, so fewer count than were taken; the window range sets the coverage term', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    // ±200 W over a 60 s period: a slow ramp within a second (at most 200 × 2π / 60 ≈ 21 W/s).
    const t = await telemetry({ FAKE_NVML_SWING_W: '200' });
    const idle = await idleBaseline(t, GPU, 1, new AbortController().signal);
    const spread = 'spread' in idle ? idle.spread! : null;
    expect(spread!.readings).toBeGreaterThanOrEqual(5);
    expect(spread!.effectiveReadings).toBeLessThan(spread!.readings);
    expect(spread!.uWatts).toBeGreaterThan(0);
    expect(spread!.rangeWatts).toBeGreaterThan(0);
    expect(spread!.rangeWatts).toBeLessThan(40);

    await t.flush();
    const startNs = monotonicNs();
    await sleep(0.5, new AbortController().signal);
    const endNs = monotonicNs();
    await t.flush();
    const range = withinWindowRange(t.store, GPU, [{ startNs, endNs }])!;
    expect(range).toBeGreaterThan(0);
    const counter = t.sensorsOf(GPU).sensors.find((s) => s.quantity === 'energy')!;
    expect(counter.observedFraction).toBe(0.25);
    const coverage = sensorComponents(counter, { watts: 250, seconds: 0.5, rangeWatts: range }).find((c) => c.kind === 'coverage')!;
    // Sees 25 % of the time: (1 − 0.25) × range / 2, against 250 W, as a rectangular bound.
    expect(coverage.relative).toBeCloseTo((0.75 * range) / 2 / 250 / Math.sqrt(3), 12);
  });
});
