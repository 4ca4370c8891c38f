import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WrappingCounter, createRaplSampler, discoverRaplZones } from '../../src/telemetry/rapl.js';
import { makeRaplTree, removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function fixture(): string {
  const root = tempDir('rapl-');
  dirs.push(root);
  makeRaplTree(root, [
    { dir: 'intel-rapl:0', name: 'package-0', maxRangeUj: 1_000_000, energyUj: 900_000 },
    { dir: 'intel-rapl:0:0', name: 'core', maxRangeUj: 1_000_000, energyUj: 500_000 },
    { dir: 'intel-rapl:0:1', name: 'dram', maxRangeUj: 2_000_000, energyUj: 100_000 },
    { dir: 'intel-rapl:1', name: 'psys', maxRangeUj: 1_000_000, energyUj: 10 },
  ]);
  return root;
}

describe('RAPL counter unwrapping', () => {
  it('adds the range when a reading falls below the previous one', () => {
    const c = new WrappingCounter(1000);
    expect(c.update(900)).toBe(0);
    expect(c.update(950)).toBe(50);
    expect(c.update(20)).toBe(50 + (20 + 1000 - 950)); // wrapped
    expect(c.update(100)).toBe(200);
  });
});

describe('RAPL zones from a powercap tree', () => {
  it('finds package and DRAM zones for the device total, and keeps core and psys out of it', () => {
    const { zones, problem } = discoverRaplZones(fixture());
    expect(problem).toBeNull();
    expect(zones.map((z) => [z.label, z.inTotal])).toEqual([
      ['package-0', true],
      ['package-0/core', false],
      ['package-0/dram', true],
      ['psys', false],
    ]);
  });

  it('says why when there is no tree, or a counter is unreadable', () => {
    expect(discoverRaplZones('/nonexistent/powercap').problem).toMatch(/does not exist/);
    const root = tempDir('rapl-');
    dirs.push(root);
    makeRaplTree(root, [{ dir: 'intel-rapl:0', name: 'package-0', maxRangeUj: 100 }]);
    writeFileSync(join(root, 'intel-rapl:0', 'energy_uj'), 'garbage\n');
    expect(discoverRaplZones(root).problem).toMatch(/not a number/);
    if (process.getuid?.() !== 0) {
      chmodSync(join(root, 'intel-rapl:0', 'energy_uj'), 0o000);
      expect(discoverRaplZones(root).problem).toMatch(/not readable|EACCES/);
    }
  });
});

describe('RAPL sampler', () => {
  it('reports energy per zone and the device total in joules, unwrapped across a wrap-around', async () => {
    const root = fixture();
    const s = await createRaplSampler({ cpuDevice: 'cpu0', powercapRoot: root });
    expect(s.sensors).toHaveLength(1);
    expect(s.sensors[0]).toMatchObject({ quantity: 'energy', unit: 'J', covers: ['package-0', 'package-0/dram'], observedFraction: 1 });
    expect(s.missing).toEqual([]);
    const first = await s.read();
    expect(first.find((x) => !x.component)!.value).toBe(0);
    // Package wraps: 900 000 → 50 000 µJ (+150 000 µJ); DRAM +300 000 µJ; core +100 000 (not in total).
    writeFileSync(join(root, 'intel-rapl:0', 'energy_uj'), '50000\n');
    writeFileSync(join(root, 'intel-rapl:0:1', 'energy_uj'), '400000\n');
    writeFileSync(join(root, 'intel-rapl:0:0', 'energy_uj'), '600000\n');
    const second = await s.read();
    expect(second.find((x) => !x.component)!.value).toBeCloseTo(0.45, 12);
    expect(second.find((x) => x.component === 'package-0')!.value).toBeCloseTo(0.15, 12);
    expect(second.find((x) => x.component === 'package-0/core')!.value).toBeCloseTo(0.1, 12);
    expect(second.every((x) => x.device === 'cpu0' && x.quantity === 'energy')).toBe(true);
  });

  it('is missing (with the reason), never zero, without RAPL', async () => {
    const s = await createRaplSampler({ cpuDevice: 'cpu0', powercapRoot: '/nonexistent/powercap' });
    expect(s.sensors).toEqual([]);
    expect(s.missing.map((m) => m.quantity).sort()).toEqual(['energy', 'power']);
    expect(s.missing[0]!.reason).toMatch(/does not exist/);
    expect(await s.read()).toEqual([]);
  });
});
