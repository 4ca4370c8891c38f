/**
 * The fallback for NVIDIA GPUs where NVML cannot be loaded through the FFI:
 * one `nvidia-smi --query-gpu=... --format=csv,noheader,nounits -lms N` child
 * process streaming readings (not one process per sample). Fields the driver
 * does not know are dropped after a one-shot query says so. Each line is
 * stamped with nvidia-smi's own timestamp of its query (smi-clock.ts), not the
 * time it was read. No energy counter: window energy is then the integral of
 * the power readings.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { monotonicNs } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import { normalisePci, type TelemetryDevice } from './devices.js';
import { Nvml, THROTTLE_REASONS } from './nvml.js';
import { NVML_DEFAULT_PERIOD_SECONDS } from './nvml-sampler.js';
import { parseSmiTimestamp, SmiClock } from './smi-clock.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { Quantity, Sample, SensorInfo } from './types.js';

const IDENTITY = ['index', 'pci.bus_id', 'name', 'uuid', 'driver_version', 'power.limit'];
/** Streamed fields and what each becomes (scale to SI). */
const STREAMED: Record<string, { quantity: Quantity; component?: string; scale: number; parse?: (s: string) => number; mask?: true }> = {
  'power.draw.instant': { quantity: 'power', scale: 1 },
  'power.draw': { quantity: 'power', component: 'average-1s', scale: 1 },
  'clocks.sm': { quantity: 'clock', scale: 1e6 },
  'clocks.mem': { quantity: 'clock', component: 'memory', scale: 1e6 },
  'temperature.gpu': { quantity: 'temperature', scale: 1 },
  'utilization.gpu': { quantity: 'utilization', scale: 0.01 },
  'utilization.memory': { quantity: 'utilization', component: 'memory', scale: 0.01 },
  'memory.used': { quantity: 'memory.used', scale: 2 ** 20 },
  'memory.total': { quantity: 'memory.total', scale: 2 ** 20 },
  pstate: { quantity: 'pstate', scale: 1, parse: (s) => Number(s.replace(/^P/, '')) },
  'clocks_event_reasons.active': { quantity: 'throttle', scale: 1, parse: (s) => Number(BigInt(s)), mask: true },
};

function query(bin: string, fields: string[]): string {
  return execFileSync(bin, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The streamed fields this nvidia-smi accepts (an unknown field fails the whole query, naming it). */
function supportedFields(bin: string): string[] {
  let fields = Object.keys(STREAMED);
  for (let attempt = 0; attempt < fields.length; attempt++) {
    try {
      query(bin, fields);
      return fields;
    } catch (err) {
      const text = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}${describeError(err)}`;
      const bad = /Field "([^"]+)" is not a valid field/.exec(text)?.[1];
      if (!bad) throw err;
      fields = fields.filter((f) => f !== bad);
    }
  }
  return fields;
}

function value(text: string, field: string): number | null {
  const s = text.trim();
  if (s === '' || /^\[?(N\/A|Not Supported|Unknown)/i.test(s)) return null;
  const spec = STREAMED[field]!;
  const v = spec.parse ? spec.parse(s) : Number(s);
  return Number.isFinite(v) ? v * spec.scale : null;
}

export async function createNvidiaSmiSampler(options: SamplerOptions): Promise<Sampler> {
  const none = (note: string): Sampler => ({ id: 'nvidia-smi', devices: [], sensors: [], missing: [], notes: [note], periodSeconds: 1, counter: false, read: () => [] });
  const nvml = Nvml.open();
  if (!('unavailable' in nvml)) {
    nvml.close();
    return none('nvidia-smi: not needed (NVML is available)');
  }
  const bin = process.env.FLOPMETER_NVIDIA_SMI ?? 'nvidia-smi';
  let identity: string;
  let fields: string[];
  try {
    identity = query(bin, IDENTITY);
    fields = supportedFields(bin);
  } catch (err) {
    return none(`nvidia-smi: unavailable (${describeError(err).split('\n')[0]})`);
  }
  const devices: TelemetryDevice[] = [];
  const sensors: SensorInfo[] = [];
  const ids: string[] = [];
  for (const line of identity.trim().split('\n')) {
    const [index, bus, name, uuid, driver, limit] = line.split(',').map((s) => s.trim());
    const pci = normalisePci(bus);
    const id = `nvidia:${pci ?? index}`;
    ids.push(id);
    devices.push({ id, vendor: 'nvidia', name: name ?? 'NVIDIA GPU', pciBusId: pci, identity: { index: Number(index), uuid: uuid ?? null, driverVersion: driver ?? null, powerLimitWatts: Number(limit) || null } });
    for (const f of fields) {
      const spec = STREAMED[f]!;
      // The instantaneous reading is the device's power series when there is one; the 1 s average is then a component.
      const component = f === 'power.draw' && !fields.includes('power.draw.instant') ? undefined : spec.component;
      sensors.push({
        sampler: 'nvidia-smi',
        device: id,
        quantity: spec.quantity,
        ...(component ? { component } : {}),
        unit: { power: 'W', clock: 'Hz', temperature: '°C', utilization: 'ratio', 'memory.used': 'byte', 'memory.total': 'byte', pstate: 'state', throttle: 'flags', energy: 'J' }[spec.quantity],
        description: `nvidia-smi ${f}`,
        ...(spec.quantity === 'power' ? { accuracy: { absolute: 5, source: 'nvidia-smi documentation: power draw accurate to ±5 W' } } : {}),
        ...(f === 'power.draw' ? { averagingSeconds: 1, minWindowSeconds: 5 } : {}),
        ...(spec.quantity === 'throttle' ? { flags: THROTTLE_REASONS } : {}),
      });
    }
  }
  const period = options.gpuPeriodSeconds ?? NVML_DEFAULT_PERIOD_SECONDS;
  let pending: Sample[] = [];
  const child: ChildProcess = spawn(bin, [`--query-gpu=timestamp,index,${fields.join(',')}`, '--format=csv,noheader,nounits', `-lms=${Math.max(1, Math.round(period * 1000))}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const clock = new SmiClock();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const cells = line.split(',');
    const t = clock.toMonotonic(parseSmiTimestamp(cells[0] ?? ''), monotonicNs());
    const device = ids[Number(cells[1])];
    if (!device) return;
    fields.forEach((f, i) => {
      const cell = cells[i + 2] ?? '';
      const v = value(cell, f);
      if (v === null) return;
      const spec = STREAMED[f]!;
      const component = f === 'power.draw' && !fields.includes('power.draw.instant') ? undefined : spec.component;
      const sample: Sample = component ? { t, device, quantity: spec.quantity, component, value: v } : { t, device, quantity: spec.quantity, value: v };
      pending.push(spec.mask ? { ...sample, mask: BigInt(cell.trim()) } : sample);
    });
  });
  return {
    id: 'nvidia-smi',
    devices,
    sensors,
    missing: ids.map((device) => ({ sampler: 'nvidia-smi', device, quantity: 'energy' as const, reason: 'nvidia-smi streams no energy counter: energy is integrated from power' })),
    notes: [`nvidia-smi streaming every ${Math.round(period * 1000)} ms (NVML could not be loaded through the FFI)`],
    periodSeconds: period,
    counter: false,
    read(): Sample[] {
      const out = pending;
      pending = [];
      return out;
    },
    close: () => {
      child.kill();
    },
  };
}
