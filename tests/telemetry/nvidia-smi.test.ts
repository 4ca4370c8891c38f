/**
 * The nvidia-smi fallback against a fake nvidia-smi executable (a script that
 * answers --query-gpu as the real one does, and streams with -lms).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNvidiaSmiSampler } from '../../src/telemetry/nvidia-smi.js';
import { parseSmiTimestamp } from '../../src/telemetry/smi-clock.js';
import { monotonicNs } from '../../src/core/clock.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeDir);
  delete process.env.FLOPMETER_NVIDIA_SMI;
  delete process.env.FLOPMETER_NVML;
});

/** A fake nvidia-smi for one GPU; it rejects power.draw.instant, as drivers before 535 do. */
function fakeSmi(): string {
  const dir = tempDir('smi-');
  dirs.push(dir);
  const path = join(dir, 'nvidia-smi');
  writeFileSync(
    path,
    `#!${process.execPath}
const arg = (p) => (process.argv.find((a) => a.startsWith(p)) || '').slice(p.length);
const fields = arg('--query-gpu=').split(',');
if (fields.includes('power.draw.instant')) { console.log('Field "power.draw.instant" is not a valid field to query.'); process.exit(2); }
const values = { index: '0', 'pci.bus_id': '00000000:3B:00.0', name: 'NVIDIA A100-SXM4-80GB', uuid: 'GPU-abc', driver_version: '525.85.12', 'power.limit': '400.00',
  'power.draw': '312.50', 'clocks.sm': '1410', 'clocks.mem': '1593', 'temperature.gpu': '54', 'utilization.gpu': '97', 'utilization.memory': '40',
  'memory.used': '1024', 'memory.total': '81920', pstate: 'P0', 'clocks_event_reasons.active': '0x0000000000000004' };
const pad = (n, w = 2) => String(n).padStart(w, '0');
const stamp = (ms) => { const d = new Date(ms); return \`\${d.getFullYear()}/\${pad(d.getMonth() + 1)}/\${pad(d.getDate())} \${pad(d.getHours())}:\${pad(d.getMinutes())}:\${pad(d.getSeconds())}.\${pad(d.getMilliseconds(), 3)}\`; };
const line = (ms) => fields.map((f) => (f === 'timestamp' ? stamp(ms) : values[f] ?? '[N/A]')).join(', ');
const every = Number(arg('-lms='));
if (!every) { console.log(line(Date.now())); process.exit(0); }
// Queries every \`every\` ms, but lines reach the pipe in bursts of 5, 100 ms after the first of them was made:
// only nvidia-smi's own timestamps say when each reading was taken.
setInterval(() => { const now = Date.now(); for (let k = 4; k >= 0; k--) console.log(line(now - 100 - k * every)); }, 5 * every);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('nvidia-smi fallback sampler', () => {
  it('streams from one child process, dropping fields the driver does not know', async () => {
    process.env.FLOPMETER_NVML = '/nonexistent/libnvidia-ml.so.1';
    process.env.FLOPMETER_NVIDIA_SMI = fakeSmi();
    const s = await createNvidiaSmiSampler({ cpuDevice: 'cpu0', gpuPeriodSeconds: 0.02 });
    try {
      expect(s.devices).toEqual([
        { id: 'nvidia:0000:3b:00.0', vendor: 'nvidia', name: 'NVIDIA A100-SXM4-80GB', pciBusId: '0000:3b:00.0', identity: { index: 0, uuid: 'GPU-abc', driverVersion: '525.85.12', powerLimitWatts: 400 } },
      ]);
      // Without power.draw.instant, the 1 s average is the device's power series, labelled as such.
      const power = s.sensors.filter((x) => x.quantity === 'power');
      expect(power).toHaveLength(1);
      expect(power[0]).toMatchObject({ averagingSeconds: 1, description: 'nvidia-smi power.draw' });
      expect(s.missing[0]!.reason).toMatch(/no energy counter/);
      // Several lines streamed from the one child (polled: a loaded machine may be slow to start it).
      const samples: Awaited<ReturnType<typeof s.read>> = [];
      for (let i = 0; i < 100 && samples.filter((x) => x.quantity === 'power').length <= 3; i++) {
        await new Promise((r) => setTimeout(r, 50));
        samples.push(...(await s.read()));
      }
      const get = (q: string, c?: string): number | undefined => samples.find((x) => x.quantity === q && x.component === c)?.value;
      expect(get('power')).toBeCloseTo(312.5, 9);
      expect(get('clock')).toBe(1.41e9);
      expect(get('utilization')).toBeCloseTo(0.97, 9);
      expect(get('memory.used')).toBe(2 ** 30);
      expect(get('throttle')).toBe(4);
      expect(get('pstate')).toBe(0);
      expect(samples.filter((x) => x.quantity === 'power').length).toBeGreaterThan(3);
      expect(samples.find((x) => x.quantity === 'throttle')!.mask).toBe(BigInt(4));
    } finally {
      await s.close?.();
    }
  });

  it('stamps each reading with nvidia-smi’s own timestamp, on the monotonic clock', async () => {
    process.env.FLOPMETER_NVML = '/nonexistent/libnvidia-ml.so.1';
    process.env.FLOPMETER_NVIDIA_SMI = fakeSmi();
    const s = await createNvidiaSmiSampler({ cpuDevice: 'cpu0', gpuPeriodSeconds: 0.02 });
    try {
      const power: Array<{ t: number; readNs: number }> = [];
      for (let i = 0; i < 100 && power.length < 10; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const readNs = monotonicNs();
        for (const x of await s.read()) if (x.quantity === 'power') power.push({ t: x.t, readNs });
      }
      expect(power.length).toBeGreaterThanOrEqual(10);
      // A burst of five lines read at once keeps its readings 20 ms apart (± the stamps' 1 ms resolution) ...
      const gaps = power.slice(1, 5).map((p, i) => (p.t - power[i]!.t) / 1e6);
      for (const g of gaps) expect(Math.abs(g - 20)).toBeLessThanOrEqual(2);
      // ... each at least the 100 ms of the burst's delay before it was read.
      for (const p of power) expect(p.readNs - p.t).toBeGreaterThanOrEqual(95e6);
    } finally {
      await s.close?.();
    }
  });

  it('reads nvidia-smi timestamps as local time', () => {
    expect(parseSmiTimestamp('2026/03/04 05:06:07.089')).toBe(new Date(2026, 2, 4, 5, 6, 7, 89).getTime());
    expect(parseSmiTimestamp('2026/03/04 05:06:07')).toBe(new Date(2026, 2, 4, 5, 6, 7, 0).getTime());
    expect(parseSmiTimestamp('[N/A]')).toBeNull();
  });

  it('stays idle where nvidia-smi is absent, saying so', async () => {
    process.env.FLOPMETER_NVML = '/nonexistent/libnvidia-ml.so.1';
    process.env.FLOPMETER_NVIDIA_SMI = '/nonexistent/nvidia-smi';
    const s = await createNvidiaSmiSampler({ cpuDevice: 'cpu0' });
    expect(s.devices).toEqual([]);
    expect(s.notes![0]).toMatch(/nvidia-smi: unavailable/);
  });
});
