import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostSampler, findCpuTemperature, parseProcStat } from '../../src/telemetry/host.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function put(root: string, rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const STAT_1 = 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\ncpu1 50 0 50 400 0 0 0 0 0 0\nintr 1 2 3\n';
// +300 busy of +400 on cpu0 (75 %), +100 busy of +400 on cpu1 (25 %).
const STAT_2 = 'cpu  500 0 100 1200 0 0 0 0 0 0\ncpu0 350 0 50 500 0 0 0 0 0 0\ncpu1 150 0 50 700 0 0 0 0 0 0\n';

describe('host sampler on procfs/sysfs fixtures', () => {
  it('parses /proc/stat into busy and total jiffies', () => {
    expect(parseProcStat(STAT_1).get('cpu0')).toEqual({ busy: 100, total: 500 });
    expect(parseProcStat(STAT_1).has('intr')).toBe(false);
  });

  it('finds the package temperature by hwmon label', () => {
    const sys = tempDir();
    dirs.push(sys);
    put(sys, 'class/hwmon/hwmon0/name', 'nvme\n');
    put(sys, 'class/hwmon/hwmon0/temp1_input', '30000\n');
    put(sys, 'class/hwmon/hwmon1/name', 'k10temp\n');
    put(sys, 'class/hwmon/hwmon1/temp1_input', '41000\n');
    put(sys, 'class/hwmon/hwmon1/temp1_label', 'Tccd1\n');
    put(sys, 'class/hwmon/hwmon1/temp2_input', '55500\n');
    put(sys, 'class/hwmon/hwmon1/temp2_label', 'Tctl\n');
    expect(findCpuTemperature(sys)).toBe(join(sys, 'class/hwmon/hwmon1/temp2_input'));
  });

  it('reads utilization per CPU, clocks in hertz, temperature and memory', async () => {
    const proc = tempDir();
    const sys = tempDir();
    dirs.push(proc, sys);
    put(proc, 'stat', STAT_1);
    put(proc, 'meminfo', 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\n');
    put(sys, 'devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', '2000000\n');
    put(sys, 'devices/system/cpu/cpu1/cpufreq/scaling_cur_freq', '3000000\n');
    put(sys, 'class/thermal/thermal_zone0/type', 'x86_pkg_temp\n');
    put(sys, 'class/thermal/thermal_zone0/temp', '61250\n');
    const s = await createHostSampler({ cpuDevice: 'cpu0', procRoot: proc, sysRoot: sys });
    expect(s.sensors.map((x) => x.quantity).sort()).toEqual(['clock', 'memory.used', 'temperature', 'utilization']);
    put(proc, 'stat', STAT_2);
    const samples = await s.read();
    const get = (q: string, c?: string): number | undefined => samples.find((x) => x.quantity === q && x.component === c)?.value;
    expect(get('utilization', 'cpu0')).toBeCloseTo(0.75, 12);
    expect(get('utilization', 'cpu1')).toBeCloseTo(0.25, 12);
    expect(get('utilization')).toBeCloseTo(400 / 800, 12);
    expect(get('clock', 'cpu0')).toBe(2e9);
    expect(get('clock')).toBe(2.5e9);
    expect(get('temperature')).toBeCloseTo(61.25, 12);
    expect(get('memory.used')).toBe(600 * 1024);
  });

  it('reports absent clocks and temperatures as missing, with reasons', async () => {
    const proc = tempDir();
    const sys = tempDir();
    dirs.push(proc, sys);
    put(proc, 'stat', STAT_1);
    const s = await createHostSampler({ cpuDevice: 'cpu0', procRoot: proc, sysRoot: sys });
    const missing = Object.fromEntries(s.missing.map((m) => [m.quantity, m.reason]));
    expect(missing.clock).toMatch(/cpufreq/);
    expect(missing.temperature).toMatch(/temperature/);
    const samples = await s.read();
    expect(samples.some((x) => x.quantity === 'clock' || x.quantity === 'temperature')).toBe(false);
  });

  it('works on this machine', async () => {
    const s = await createHostSampler({ cpuDevice: 'cpu0' });
    await new Promise((r) => setTimeout(r, 50));
    const samples = await s.read();
    const total = samples.find((x) => x.quantity === 'utilization' && !x.component);
    expect(total?.value).toBeGreaterThanOrEqual(0);
    expect(total?.value).toBeLessThanOrEqual(1);
  });
});
