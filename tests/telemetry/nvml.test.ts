/**
 * The real NVML bindings and sampler against a fake libnvidia-ml.so.1 built from
 * tests/fixtures/fake-nvml.c: struct layouts, field values, error mapping, the
 * energy counter.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIELD, Nvml } from '../../src/telemetry/nvml.js';
import { createNvmlSampler } from '../../src/telemetry/nvml-sampler.js';
import { monotonicNs } from '../../src/core/clock.js';
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
    expect(nvml.pciDeviceId(h)).toBe(0x2330);
    expect(nvml.driverVersion()).toBe('999.99.99');
    expect(nvml.architecture(h)).toBe('Hopper');
    expect(nvml.powerLimitWatts(h)).toBe(700);
    const [energy, instant, average] = nvml.fields(h, [FIELD.TOTAL_ENERGY_CONSUMPTION, FIELD.POWER_INSTANT, FIELD.POWER_AVERAGE]);
    expect(energy!.ok && instant!.ok && average!.ok).toBe(true);
    expect(energy!.value).toBeGreaterThan(1e9); // mJ, a 64-bit field
    expect(instant!.value).toBe(300_000); // mW: GPU 1 draws 250 + 50 W
    expect(nvml.utilization(h)).toEqual({ gpu: 0.5, memory: 0.25 });
    expect(nvml.clock(h, 1)).toBe(1.98e9);
    expect(nvml.throttleReasons(h)).toBe(BigInt(4));
    expect(nvml.memory(h)).toEqual({ total: 80 * 2 ** 30, used: 2 ** 30 });
    expect(nvml.pstate(h)).toBe(0);
    nvml.close();
  });

  it('keep all 64 bits of the clock-event reasons, and name an unknown architecture', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FAKE_NVML_THROTTLE = '0x8000000000000104';
    process.env.FAKE_NVML_ARCH = '0xffffffff';
    const nvml = open();
    expect(nvml.throttleReasons(nvml.handle(0))).toBe(BigInt('0x8000000000000104'));
    expect(nvml.architecture(nvml.handle(0))).toBe('unknown (presumably newer)');
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
    expect(s.sensors.find((x) => x.quantity === 'throttle')!.flags!['4']).toBe('sw_power_cap');
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
    expect(second.find((x) => x.quantity === 'throttle')).toMatchObject({ value: 4, mask: BigInt(4) });
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

describe('NVML power, labelled by architecture', () => {
  /** The power sensors of GPU 0 with the fake set up as `env` says. */
  async function powerOf(env: Record<string, string>) {
    process.env.FLOPMETER_NVML = fake;
    Object.assign(process.env, env);
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    const sensors = s.sensors.filter((x) => x.device === 'nvidia:0000:10:00.0' && x.quantity === 'power');
    const samples = (await s.read()).filter((x) => x.device === 'nvidia:0000:10:00.0' && x.quantity === 'power');
    await s.close?.();
    return { sensors, samples };
  }
  const OLD_DRIVER = { FAKE_NVML_NO_INSTANT: '1', FAKE_NVML_NO_AVERAGE: '1' };

  it('Hopper: the instant and average fields, each as what it is', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { sensors } = await powerOf({});
    expect(sensors.map((p) => [p.component ?? 'device', p.description])).toEqual([
      ['device', 'NVML instantaneous power (field POWER_INSTANT)'],
      ['average-1s', 'NVML power averaged over 1 s (field POWER_AVERAGE)'],
    ]);
  });

  it('Hopper without the fields: nvmlDeviceGetPowerUsage is the 1 s average, and says so', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { sensors, samples } = await powerOf(OLD_DRIVER);
    expect(sensors).toHaveLength(1);
    expect(sensors[0]).toMatchObject({ averagingSeconds: 1, minWindowSeconds: 5, description: expect.stringMatching(/averaged over 1 s \(nvmlDeviceGetPowerUsage, on Hopper \(Ampere except GA100, and later/) });
    expect(samples.map((x) => x.value)).toEqual([250]);
  });

  it('GA100 (Ampere, PCI device 0x20b0): nvmlDeviceGetPowerUsage is instantaneous, and there is no average field', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { sensors, samples } = await powerOf({ FAKE_NVML_ARCH: '7', FAKE_NVML_PCI_DEVICE_ID: '0x20b0', FAKE_NVML_NO_INSTANT: '1' });
    expect(sensors).toHaveLength(1);
    expect(sensors[0]!.description).toBe('NVML instantaneous power (nvmlDeviceGetPowerUsage, on Ampere GA100 (GA100 and older: instantaneous))');
    expect(sensors[0]!.averagingSeconds).toBeUndefined();
    expect(sensors[0]!.component).toBeUndefined();
    expect(samples).toHaveLength(1);
  });

  it('other Ampere (GA102, 0x2204): the 1 s average field', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { sensors } = await powerOf({ FAKE_NVML_ARCH: '7', FAKE_NVML_PCI_DEVICE_ID: '0x2204', FAKE_NVML_NO_INSTANT: '1' });
    expect(sensors.map((p) => [p.component, p.averagingSeconds, p.description])).toEqual([[undefined, 1, 'NVML power averaged over 1 s (field POWER_AVERAGE)']]);
  });

  it('Volta: instantaneous only, never labelled as an average', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const withField = await powerOf({ FAKE_NVML_ARCH: '5' });
    expect(withField.sensors.map((p) => p.description)).toEqual(['NVML instantaneous power (field POWER_INSTANT)']);
    const oldDriver = await powerOf({ FAKE_NVML_ARCH: '5', ...OLD_DRIVER });
    expect(oldDriver.sensors.map((p) => p.description)).toEqual(['NVML instantaneous power (nvmlDeviceGetPowerUsage, on Volta (GA100 and older: instantaneous))']);
  });

  it('an architecture NVML cannot report: assumed a 1 s average, saying so', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { sensors } = await powerOf({ FAKE_NVML_ARCH: 'none', ...OLD_DRIVER });
    expect(sensors[0]).toMatchObject({ averagingSeconds: 1, description: expect.stringMatching(/an architecture NVML did not report, assumed later than GA100/) });
  });
});

describe('NVML sampling times', () => {
  it('stamps each GPU with the time of its own read', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    process.env.FLOPMETER_NVML = fake;
    const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
    // Each GPU's field read now takes 40 ms: a shared time would put both GPUs at one instant.
    process.env.FAKE_NVML_READ_DELAY_MS = '40';
    const before = monotonicNs();
    const samples = await s.read();
    const after = monotonicNs();
    const timeOf = (device: string): number[] => [...new Set(samples.filter((x) => x.device === device).map((x) => x.t))];
    const [t0, t1] = [timeOf('nvidia:0000:10:00.0'), timeOf('nvidia:0000:11:00.0')];
    expect(t0).toHaveLength(1);
    expect(t1).toHaveLength(1);
    expect(t1[0]! - t0[0]!).toBeGreaterThanOrEqual(35e6);
    // Each is the middle of its own 40 ms read, inside the call.
    expect(t0[0]! - before).toBeGreaterThanOrEqual(15e6);
    expect(after - t1[0]!).toBeGreaterThanOrEqual(15e6);
    await s.close?.();
  });
});
