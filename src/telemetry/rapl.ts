/**
 * RAPL energy counters through Linux powercap (/sys/class/powercap): Intel
 * and AMD expose their package and DRAM zones there as intel-rapl:N[:M].
 * Counters wrap at max_energy_range_uj and are unwrapped here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicNs } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { MissingSensor, Sample, SensorInfo } from './types.js';

export const POWERCAP_ROOT = '/sys/class/powercap';

export interface RaplZone {
  /** Directory, e.g. /sys/class/powercap/intel-rapl:0. */
  path: string;
  /** Zone name as the kernel gives it, e.g. "package-0", "dram", "core", "psys". */
  name: string;
  /** Component label, unique within the device, e.g. "package-0" or "package-0/dram". */
  label: string;
  maxRangeUj: number;
  /** Whether the zone counts towards the device total (packages and DRAM; not core/uncore, which packages include, nor psys). */
  inTotal: boolean;
}

/** Unwraps a counter that wraps to 0 after `maxRange`. */
export class WrappingCounter {
  private last: number | null = null;
  private total = 0;

  constructor(private readonly maxRange: number) {}

  /** Feeds a raw reading; returns the accumulated amount since the first reading. */
  update(raw: number): number {
    if (this.last !== null) {
      // A reading below the previous one means the counter passed max_energy_range_uj and restarted at 0.
      this.total += raw >= this.last ? raw - this.last : raw + this.maxRange - this.last;
    }
    this.last = raw;
    return this.total;
  }
}

function readNumber(path: string): number {
  const text = readFileSync(path, 'utf8').trim();
  const n = Number(text);
  // Number('') is 0: an empty read must be an error, not a reading of zero (which would look like a wrap).
  if (text === '' || !Number.isFinite(n)) throw new Error(`${path}: not a number: "${text}"`);
  return n;
}

/** Finds the RAPL zones under a powercap root. */
export function discoverRaplZones(root = POWERCAP_ROOT): { zones: RaplZone[]; problem: string | null } {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return { zones: [], problem: `${root} does not exist (no powercap driver, or not exposed in this container/VM)` };
  }
  const zones: RaplZone[] = [];
  const problems: string[] = [];
  for (const entry of entries.filter((e) => /^intel-rapl:\d+(:\d+)?$/.test(e)).sort()) {
    const path = join(root, entry);
    try {
      const name = readFileSync(join(path, 'name'), 'utf8').trim();
      const maxRangeUj = readNumber(join(path, 'max_energy_range_uj'));
      readNumber(join(path, 'energy_uj')); // readable? (root-only since Linux 5.10, CVE-2020-8694)
      const sub = /^intel-rapl:(\d+):\d+$/.exec(entry);
      const parentName = sub ? readFileSync(join(root, `intel-rapl:${sub[1]}`, 'name'), 'utf8').trim() : null;
      const label = parentName ? `${parentName}/${name}` : name;
      const inTotal = sub ? name === 'dram' : name.startsWith('package');
      zones.push({ path, name, label, maxRangeUj, inTotal });
    } catch (err) {
      const msg = describeError(err);
      problems.push(/EACCES|permission/i.test(msg) ? `${path}/energy_uj is not readable (RAPL counters need root since Linux 5.10)` : msg);
    }
  }
  if (zones.length === 0) return { zones, problem: problems[0] ?? `no intel-rapl zones under ${root}` };
  return { zones, problem: null };
}

/**
 * Every 100 ms: often enough for a smooth power timeline, while energy per
 * window comes from counter readings taken on demand at the window's edges.
 */
const DEFAULT_PERIOD_SECONDS = 0.1;

export async function createRaplSampler(options: SamplerOptions): Promise<Sampler> {
  const device = options.cpuDevice;
  const root = options.powercapRoot ?? POWERCAP_ROOT;
  const { zones, problem } = discoverRaplZones(root);
  const totalZones = zones.filter((z) => z.inTotal);
  const missing: MissingSensor[] = [];
  const sensors: SensorInfo[] = [];
  if (problem || totalZones.length === 0) {
    missing.push({ sampler: 'rapl', device, quantity: 'energy', reason: `RAPL: ${problem ?? 'no package zone'}` });
    missing.push({ sampler: 'rapl', device, quantity: 'power', reason: `RAPL: ${problem ?? 'no package zone'}` });
  } else {
    sensors.push({
      sampler: 'rapl',
      device,
      quantity: 'energy',
      unit: 'J',
      description: `RAPL energy counters (${totalZones.map((z) => z.label).join(' + ')}), unwrapped`,
      // Neither Intel nor AMD states an accuracy for RAPL; published comparisons with external
      // meters (e.g. Khan et al., ACM TOMPECS 2018) found agreement within a few per cent.
      accuracy: { relative: 0.05, source: 'assumed ±5 %: no manufacturer specification; published comparisons with wall meters agree within a few per cent' },
      resolution: 1e-6,
      updateIntervalSeconds: 0.001,
      observedFraction: 1,
      covers: totalZones.map((z) => z.label),
    });
  }
  const counters = zones.map((z) => new WrappingCounter(z.maxRangeUj));
  return {
    id: 'rapl',
    devices: sensors.length ? [{ id: device, vendor: 'cpu', name: 'host CPU', pciBusId: null }] : [],
    sensors,
    missing,
    periodSeconds: options.periodSeconds ?? DEFAULT_PERIOD_SECONDS,
    counter: true,
    read(): Sample[] {
      if (sensors.length === 0) return [];
      const t = monotonicNs();
      const samples: Sample[] = [];
      let total = 0;
      zones.forEach((z, i) => {
        const joules = counters[i]!.update(readNumber(join(z.path, 'energy_uj'))) / 1e6;
        samples.push({ t, device, quantity: 'energy', component: z.label, value: joules });
        if (z.inTotal) total += joules;
      });
      samples.push({ t, device, quantity: 'energy', value: total });
      return samples;
    },
  };
}
