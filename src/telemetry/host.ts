/**
 * Host telemetry from procfs and sysfs: CPU busy share per logical CPU
 * (/proc/stat), current clock (cpufreq), package temperature (hwmon or
 * thermal zones) and memory in use (/proc/meminfo).
 *
 * Why not systeminformation here: its currentLoad() runs `sh -c "cat
 * /proc/stat | grep cpu"` (three processes) on every call, which costs
 * milliseconds of CPU per sample, and a fork while OpenBLAS's threads are busy
 * deadlocks in OpenBLAS's pthread_atfork handler. Sampling must neither
 * perturb nor fork; these are plain file reads. systeminformation still
 * describes the host once, for provenance.
 *
 * A value the host does not expose (a VM without cpufreq or hwmon) is a
 * missing sensor, never a zero reading.
 */
import { listDir as list, readText as read } from './files.js';
import { join } from 'node:path';
import { monotonicNs } from '../core/clock.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { MissingSensor, Sample, SensorInfo } from './types.js';

/** Twice a second: utilization over 0.5 s is what a person reads, and the reads are cheap. */
const DEFAULT_PERIOD_SECONDS = 0.5;
/** hwmon drivers that report the CPU package temperature. */
const CPU_HWMON = ['k10temp', 'zenpower', 'coretemp', 'cpu_thermal', 'soc_thermal'];

/** Busy and total jiffies per "cpu"/"cpuN" line of /proc/stat. */
export function parseProcStat(text: string): Map<string, { busy: number; total: number }> {
  const out = new Map<string, { busy: number; total: number }>();
  for (const line of text.split('\n')) {
    const m = /^(cpu\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    out.set(m[1]!, { busy: total - idle, total });
  }
  return out;
}

/** The CPU package temperature file, from hwmon (preferred) or a thermal zone; null if none. */
export function findCpuTemperature(sysRoot: string): string | null {
  const hwmon = join(sysRoot, 'class', 'hwmon');
  for (const h of list(hwmon).sort()) {
    const name = read(join(hwmon, h, 'name'))?.trim();
    if (!name || !CPU_HWMON.includes(name)) continue;
    const inputs = list(join(hwmon, h)).filter((f) => /^temp\d+_input$/.test(f)).sort();
    // Prefer the package/die reading by its label (Tctl/Tdie on AMD, "Package id 0" on Intel).
    const labelled = inputs.find((f) => /Tctl|Tdie|Package/i.test(read(join(hwmon, h, f.replace('_input', '_label'))) ?? ''));
    const file = labelled ?? inputs[0];
    if (file) return join(hwmon, h, file);
  }
  const thermal = join(sysRoot, 'class', 'thermal');
  for (const z of list(thermal).filter((d) => d.startsWith('thermal_zone')).sort()) {
    const type = read(join(thermal, z, 'type'))?.trim() ?? '';
    if (/x86_pkg_temp|cpu|soc/i.test(type)) return join(thermal, z, 'temp');
  }
  return null;
}

export async function createHostSampler(options: SamplerOptions): Promise<Sampler> {
  const device = options.cpuDevice;
  const proc = options.procRoot ?? '/proc';
  const sys = options.sysRoot ?? '/sys';
  const base = { sampler: 'host', device };
  const sensors: SensorInfo[] = [];
  const missing: MissingSensor[] = [];

  const statPath = join(proc, 'stat');
  const hasStat = read(statPath) !== null;
  if (hasStat) sensors.push({ ...base, quantity: 'utilization', unit: 'ratio', description: 'CPU busy share from /proc/stat (total and per logical CPU)' });
  else missing.push({ ...base, quantity: 'utilization', reason: `${statPath} is not readable` });

  const meminfo = join(proc, 'meminfo');
  const hasMem = read(meminfo) !== null;
  if (hasMem) sensors.push({ ...base, quantity: 'memory.used', unit: 'byte', description: 'host memory in use (MemTotal − MemAvailable)' });

  const cpuDir = join(sys, 'devices', 'system', 'cpu');
  const freqFiles = list(cpuDir)
    .filter((d) => /^cpu\d+$/.test(d))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .map((d) => ({ cpu: d, path: join(cpuDir, d, 'cpufreq', 'scaling_cur_freq') }))
    .filter((f) => Number(read(f.path)) > 0);
  if (freqFiles.length) sensors.push({ ...base, quantity: 'clock', unit: 'Hz', description: 'current CPU clock from cpufreq (mean, and per logical CPU)' });
  else missing.push({ ...base, quantity: 'clock', reason: 'the host exposes no cpufreq clock (common in VMs)' });

  const tempPath = findCpuTemperature(sys);
  if (tempPath) sensors.push({ ...base, quantity: 'temperature', unit: '°C', description: `CPU package temperature (${tempPath})`, resolution: 0.001 });
  else missing.push({ ...base, quantity: 'temperature', reason: 'no CPU temperature sensor in hwmon or thermal zones' });
  missing.push({ ...base, quantity: 'throttle', reason: 'Linux exposes no CPU throttle reasons to unprivileged readers' });

  let previous = hasStat ? parseProcStat(read(statPath) ?? '') : new Map<string, { busy: number; total: number }>();
  return {
    id: 'host',
    devices: [{ id: device, vendor: 'cpu', name: 'host CPU', pciBusId: null }],
    sensors,
    missing,
    periodSeconds: options.periodSeconds ?? DEFAULT_PERIOD_SECONDS,
    counter: false,
    read(): Sample[] {
      const t = monotonicNs();
      const out: Sample[] = [];
      if (hasStat) {
        const now = parseProcStat(read(statPath) ?? '');
        for (const [cpu, cur] of now) {
          const prev = previous.get(cpu);
          const dt = prev ? cur.total - prev.total : 0;
          if (!prev || dt <= 0) continue;
          const value = Math.min(1, Math.max(0, (cur.busy - prev.busy) / dt));
          out.push(cpu === 'cpu' ? { t, device, quantity: 'utilization', value } : { t, device, quantity: 'utilization', component: cpu, value });
        }
        previous = now;
      }
      if (hasMem) {
        const text = read(meminfo) ?? '';
        const kib = (key: string): number | null => {
          const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
          return m ? Number(m[1]) * 1024 : null;
        };
        const total = kib('MemTotal');
        const avail = kib('MemAvailable');
        if (total !== null && avail !== null) out.push({ t, device, quantity: 'memory.used', value: total - avail });
      }
      if (freqFiles.length) {
        let sum = 0;
        let n = 0;
        for (const f of freqFiles) {
          const khz = Number(read(f.path));
          if (!(khz > 0)) continue;
          out.push({ t, device, quantity: 'clock', component: f.cpu, value: khz * 1e3 });
          sum += khz * 1e3;
          n++;
        }
        if (n) out.push({ t, device, quantity: 'clock', value: sum / n });
      }
      if (tempPath) {
        const milli = Number(read(tempPath));
        if (Number.isFinite(milli) && read(tempPath) !== null) out.push({ t, device, quantity: 'temperature', value: milli / 1000 });
      }
      return out;
    },
  };
}
