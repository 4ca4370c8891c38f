/**
 * The real NVML bindings and sampler against a fake libnvidia-ml.so.1 built from
 * tests/fixtures/fake-nvml.c: struct layouts, field values, error mapping, the
 * energy counter.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIELD, Nvml } from '../../src/telemetry/nvml.js';
import { createNvmlSampler } from '../../src/telemetry/nvml-sampler.js';
import { requireComponent } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

let fake = '';
const saved = { ...process.env };
beforeAll(() => {
  if (hasCompiler()) fake = fakePath('nvml');
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVML') || k === 'FLOPMETER_NVML') delete process.env[k];
  Object.assign(process.env, { FLOPMETER_NVML: saved.FLOPMETER_NVML });
  if (saved.FLOPMETER_NVML === undefined) delete process.env.FLOPMETER_NVML;
});

function open(): Nvml {
  process.env.FLOPMETER_NVML = fake;
  const n = Nvml.open();
  if ('unavailable' in n) throw new Error(n.unavailable);
  return n;
}

describe('NVML bindings', () => {
  it('read identity, power fields, energy, clocks and reasons through the real ABI', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const nvml = open();
    expect(nvml.count()).toBe(2);
    const h = nvml.handle(1);
    expect(nvml.name(h)).toBe('NVIDIA Fake GPU 1');
    expect(nvml.uuid(h)).toBe('GPU-00000000-0000-0000-0000-000000000001');
    expect(nvml.pciBusId(h)).toBe('00000000:11:00.0');
    expect(nvml.driverVersion()).toBe('999.99.99');
    expect(nvml.architecture(h)).toBe('Hopper');
    expect(nvml.powerLimitWatts(h)).toBe(700);
    const [energy, instant, average] = nvml.fields(h, [FIELD.TOTAL_ENERGY_CONSUMPTION, FIELD.POWER_INSTANT, FIELD.POWER_AVERAGE]);
    expect(energy!.ok && instant!.ok && average!.ok).toBe(true);
    expect(energy!.value).toBeGreaterThan(1e9); // mJ, a 64-bit field
    expect(instant!.value).toBe(300_000); // mW: GPU 1 draws 250 + 50 W
    expect(nvml.utilization(h)).toEqual({ gpu: 0.5, memory: 0.25 });
    expect(nvml.clock(h, 1)).toBe(1.98e9);
    expect(nvml.throttleReasons(h)).toBe(0x4);
    expect(nvml.memory(h)).toEqual({ total: 80 * 2 ** 30, used: 2 ** 30 });
    expect(nvml.pstate(h)).toBe(0);
    nvml.close();
  });

  it('maps an error code once, to NVML’s own message', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FAKE_NVML_INIT_ERROR = '9';
    process.env.FLOPMETER_NVML = fake;
    const n = Nvml.open();
    expect(n).toEqual({ unavailable: 'NVML: nvmlInit failed: NVML_ERROR_9 (9): Driver Not Loaded' });
    delete process.env.FAKE_NVML_INIT_ERROR;
    const nvml = open();
    expect(() => nvml.handle(7)).toThrow(/nvmlDeviceGetHandleByIndex failed: NVML_ERROR_2 \(2\): Invalid Argument/);
  });

  it('says why NVML is unavailable instead of crashing', () => {
    process.env.FLOPMETER_NVML = '/nonexistent/libnvidia-ml.so.1';
    expect(Nvml.open()).toEqual({ unavailable: expect.stringContaining('NVML (libnvidia-ml.so.1) not found (looked for FLOPMETER_NVML=/nonexistent/libnvidia-ml.so.1') });
  });
});

describe('NVML sampler', () => {
  it('describes each GPU by PCI bus id and its sensors, with the part-time sampling stated', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FLOPMETER_NVML = fake;
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    expect(s.devices.map((d) => d.id)).toEqual(['nvidia:0000:10:00.0', 'nvidia:0000:11:00.0']);
    expect(s.devices[0]!.identity).toMatchObject({ driverVersion: '999.99.99', powerLimitWatts: 700, architecture: 'Hopper' });
    expect(s.periodSeconds).toBe(0.05);
    const energy = s.sensors.find((x) => x.device === 'nvidia:0000:10:00.0' && x.quantity === 'energy')!;
    expect(energy).toMatchObject({ unit: 'J', observedFraction: 0.25, minWindowSeconds: 5, accuracy: { absolute: 5 } });
    const powers = s.sensors.filter((x) => x.device === 'nvidia:0000:10:00.0' && x.quantity === 'power');
    expect(powers.map((p) => p.component ?? 'instant')).toEqual(['instant', 'average-1s']);
    expect(s.sensors.find((x) => x.quantity === 'throttle')!.flags![4]).toBe('sw_power_cap');
  });

  it('reads the energy counter in joules: its difference over a window is power × time', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FLOPMETER_NVML = fake;
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    const first = await s.read();
    const t0 = first.find((x) => x.quantity === 'energy' && x.device === 'nvidia:0000:10:00.0')!;
    await new Promise((r) => setTimeout(r, 200));
    const second = await s.read();
    const t1 = second.find((x) => x.quantity === 'energy' && x.device === 'nvidia:0000:10:00.0')!;
    const watts = (t1.value - t0.value) / ((t1.t - t0.t) / 1e9);
    expect(watts).toBeGreaterThan(250 * 0.95);
    expect(watts).toBeLessThan(250 * 1.05);
    expect(second.find((x) => x.quantity === 'power' && !x.component && x.device === 'nvidia:0000:10:00.0')!.value).toBe(250);
    expect(second.find((x) => x.quantity === 'throttle')!.value).toBe(4);
    expect(second.find((x) => x.quantity === 'clock' && x.component === 'memory')!.value).toBe(2.619e9);
  });

  it('keeps the energy series monotonic when the driver’s counter restarts', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FLOPMETER_NVML = fake;
    process.env.FAKE_NVML_RESET_AFTER_MS = '150';
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    const values: number[] = [];
    for (let i = 0; i < 6; i++) {
      values.push((await s.read()).find((x) => x.quantity === 'energy')!.value);
      await new Promise((r) => setTimeout(r, 60));
    }
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it('uses the 1 s average as the power series, saying so, where the instant field is not supported', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FLOPMETER_NVML = fake;
    process.env.FAKE_NVML_NO_INSTANT = '1';
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    const power = s.sensors.filter((x) => x.device === 'nvidia:0000:10:00.0' && x.quantity === 'power');
    expect(power).toHaveLength(1);
    expect(power[0]).toMatchObject({ averagingSeconds: 1, minWindowSeconds: 5 });
    expect(power[0]!.component).toBeUndefined();
  });

  it('has no devices, and a note saying why, without NVML', async () => {
    process.env.FLOPMETER_NVML = '/nonexistent/libnvidia-ml.so.1';
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    expect(s.devices).toEqual([]);
    expect(s.notes![0]).toMatch(/^NVML: NVML \(libnvidia-ml\.so\.1\) not found/);
  });
});
