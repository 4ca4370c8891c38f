import { afterEach, describe, expect, it } from 'vitest';
import { Telemetry } from '../../src/telemetry/service.js';
import { counterEnergy } from '../../src/telemetry/energy.js';
import { monotonicNs } from '../../src/core/clock.js';
import { flagsSeen } from '../../src/telemetry/energy.js';
import { maskHex, summarizeTelemetry, throttleNames } from '../../src/measure/telemetry-summary.js';
import { telemetryFamilies } from '../../src/exporter/telemetry-metrics.js';
import { liveRapl, removeDir, requireComponent, tempDir } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('telemetry worker', () => {
  it('samples a live RAPL counter off the main thread; a flush brackets a window', async () => {
    const root = tempDir('rapl-');
    // 25 W with a 10 J range: the counter wraps every 0.4 s (a real one takes minutes) and must be
    // unwrapped; the sampler's 0.1 s period keeps readings within one wrap of each other.
    const rapl = await liveRapl(root, 25, 10_000_000);
    cleanup.push(() => removeDir(root), () => rapl.stop());
    const t = await Telemetry.start({ samplers: ['rapl', 'host'], options: { cpuDevice: 'cpu0', powercapRoot: root } });
    cleanup.push(() => t.stop());
    expect(t.sensorsOf('cpu0').sensors.map((s) => s.quantity)).toContain('energy');
    await t.flush();
    const t0 = monotonicNs();
    await new Promise((r) => setTimeout(r, 600));
    const t1 = monotonicNs();
    await t.flush();
    const joules = counterEnergy(t.store.get('cpu0', 'energy')!, t0, t1)!;
    const watts = joules / ((t1 - t0) / 1e9);
    // Interpolation between readings taken ≤ 2 ms (the fixture's update period) from the edges.
    expect(watts).toBeGreaterThan(25 * 0.93);
    expect(watts).toBeLessThan(25 * 1.07);
    const stats = t.stats.find((s) => s.sampler === 'rapl')!;
    expect(stats.reads).toBeGreaterThan(3);
    expect(stats.errors).toBe(0);
    expect(t.store.latest('cpu0', 'utilization')).toBeDefined();
  });

  it('keeps a 64-bit throttle mask exact from NVML through the worker to the store, the result and the exporter', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    // Bit 63 (beyond 2^53, where a JS number would round it away), display clock (0x100) and SW power cap (0x4).
    const saved = { nvml: process.env.FLOPMETER_NVML, throttle: process.env.FAKE_NVML_THROTTLE };
    Object.assign(process.env, { FLOPMETER_NVML: fakePath('nvml'), FAKE_NVML_THROTTLE: '0x8000000000000104' });
    cleanup.push(() => {
      for (const [k, v] of [['FLOPMETER_NVML', saved.nvml], ['FAKE_NVML_THROTTLE', saved.throttle]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const t = await Telemetry.start({ samplers: ['nvml'], options: { cpuDevice: 'cpu0' } });
    cleanup.push(() => t.stop());
    const gpu = 'nvidia:0000:10:00.0';
    await t.flush();
    const series = t.store.get(gpu, 'throttle')!;
    const mask = flagsSeen(series, 0, monotonicNs());
    expect(mask).toBe(BigInt('0x8000000000000104'));
    const sensor = t.sensorsOf(gpu).sensors.find((s) => s.quantity === 'throttle');
    expect(throttleNames(mask, sensor)).toEqual(['sw_power_cap', 'display_clock_setting', 'bit63']);
    const summary = summarizeTelemetry(t, gpu, 0, monotonicNs(), null);
    expect(summary.throttleMask).toBe('0x8000000000000104');
    expect(summary.throttleReasons).toEqual(['sw_power_cap', 'display_clock_setting', 'bit63']);
    expect(maskHex(BigInt(4))).toBe('0x0000000000000004');
    const active = telemetryFamilies(t, [], monotonicNs(), 'cpu0').find((f) => f.name === 'flopmeter_device_throttle_reason_active')!;
    const of = (reason: string) => {
      const x = active.samples.find((y) => y.labels.device === gpu && y.labels.reason === reason);
      return x && 'value' in x ? x.value : undefined;
    };
    expect([of('sw_power_cap'), of('display_clock_setting'), of('hw_slowdown'), of('gpu_idle')]).toEqual([1, 1, 0, 0]);
  });

  it('reports sensors as missing when switched off', () => {
    const t = Telemetry.disabled('cpu0');
    expect(t.sensors).toEqual([]);
    expect(t.missing.map((m) => m.quantity)).toEqual(['power', 'energy']);
  });
});
