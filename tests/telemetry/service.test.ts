import { afterEach, describe, expect, it } from 'vitest';
import { Telemetry } from '../../src/telemetry/service.js';
import { counterEnergy } from '../../src/telemetry/energy.js';
import { monotonicNs } from '../../src/core/clock.js';
import { liveRapl, removeDir, tempDir } from '../helpers.js';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('telemetry worker', () => {
  it('samples a live RAPL counter off the main thread; a flush brackets a window', async () => {
    const root = tempDir('rapl-');
    // 25 W with a 10 J range: the counter wraps every 0.4 s (a real one takes minutes) and must be
    // unwrapped; the sampler's 0.1 s period keeps readings within one wrap of each other.
    const rapl = liveRapl(root, 25, 10_000_000);
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

  it('reports sensors as missing when switched off', () => {
    const t = Telemetry.disabled('cpu0');
    expect(t.sensors).toEqual([]);
    expect(t.missing.map((m) => m.quantity)).toEqual(['power', 'energy']);
  });
});
